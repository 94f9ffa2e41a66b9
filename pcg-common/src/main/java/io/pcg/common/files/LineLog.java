package io.pcg.common.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A file of text lines that only grows by appending, until its owner rewrites it whole ({@link #rewrite}, through
 * {@link AtomicFiles}) to keep it bounded. Made for histories that change a line at a time (events, command
 * records), where rewriting everything on every change would cost an fsync of the whole history.
 *
 * <p>A crash can only tear the line being appended: a last line without its newline is skipped on {@link #open} and
 * the file rewritten without it, so nothing is ever appended to half a line. Appends are not forced to disk one by
 * one: a killed process loses nothing, a power cut may lose the last lines written before it.
 */
public final class LineLog implements AutoCloseable {

    private final Path file;
    private final Set<PosixFilePermission> mode;
    private FileChannel channel;
    private int lineCount;

    private LineLog(Path file, Set<PosixFilePermission> mode) {
        this.file = file;
        this.mode = mode;
    }

    /**
     * Opens (creating it and its folders if missing) the log and hands its complete lines, oldest first, to the
     * caller, which decides which of them it can still read.
     */
    public static LineLog open(Path file, Set<PosixFilePermission> mode, List<String> completeLines)
            throws IOException {
        LineLog log = new LineLog(file, mode);
        List<String> lines = new ArrayList<>();
        boolean torn = false;
        if (Files.exists(file)) {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int start = 0;
            for (int end = content.indexOf('\n'); end >= 0; end = content.indexOf('\n', start)) {
                lines.add(content.substring(start, end));
                start = end + 1;
            }
            torn = start < content.length();
        }
        if (torn || !Files.exists(file)) {
            log.rewrite(lines);
        } else {
            log.lineCount = lines.size();
            log.openForAppend();
        }
        completeLines.addAll(lines);
        return log;
    }

    /** Lines written since the last rewrite, plus those the last rewrite wrote: what the file holds. */
    public synchronized int lineCount() {
        return lineCount;
    }

    /** Appends one line; it must not contain a line break. */
    public synchronized void append(String line) throws IOException {
        requireSingleLine(line);
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        lineCount++;
    }

    /** Replaces the whole file with these lines, atomically. */
    public synchronized void rewrite(List<String> lines) throws IOException {
        StringBuilder content = new StringBuilder();
        for (String line : lines) {
            requireSingleLine(line);
            content.append(line).append('\n');
        }
        close();
        AtomicFiles.write(file, content.toString(), mode);
        lineCount = lines.size();
        openForAppend();
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void openForAppend() throws IOException {
        // The file exists by now (open rewrites a missing one), with its mode set by AtomicFiles.
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private static void requireSingleLine(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a log line must not contain a line break");
        }
    }
}
