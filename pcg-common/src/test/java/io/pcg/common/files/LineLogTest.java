package io.pcg.common.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineLogTest {

    @TempDir
    Path tmp;

    @Test
    void appendedLinesAreReadBackInOrderAfterAReopen() throws Exception {
        Path file = tmp.resolve("sub/log");
        try (LineLog log = LineLog.open(file, AtomicFiles.OWNER_ONLY, new ArrayList<>())) {
            log.append("one");
            log.append("two");
            assertThat(log.lineCount()).isEqualTo(2);
        }
        List<String> lines = new ArrayList<>();
        try (LineLog log = LineLog.open(file, AtomicFiles.OWNER_ONLY, lines)) {
            assertThat(log.lineCount()).isEqualTo(2);
        }
        assertThat(lines).containsExactly("one", "two");
    }

    @Test
    void aTornLastLineIsSkippedAndNeverGluedToTheNextAppend() throws Exception {
        Path file = tmp.resolve("log");
        Files.writeString(file, "one\ntwo\nthr", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        List<String> lines = new ArrayList<>();
        try (LineLog log = LineLog.open(file, AtomicFiles.OWNER_ONLY, lines)) {
            log.append("four");
        }
        assertThat(lines).containsExactly("one", "two");
        assertThat(Files.readString(file)).isEqualTo("one\ntwo\nfour\n");
    }

    @Test
    void aRewriteReplacesEverythingAndAppendsGoOnAfterIt() throws Exception {
        Path file = tmp.resolve("log");
        try (LineLog log = LineLog.open(file, AtomicFiles.OWNER_ONLY, new ArrayList<>())) {
            log.append("old");
            log.rewrite(List.of("kept"));
            log.append("new");
            assertThat(log.lineCount()).isEqualTo(2);
        }
        assertThat(Files.readString(file)).isEqualTo("kept\nnew\n");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(AtomicFiles.OWNER_ONLY);
    }

    @Test
    void aLineBreakInsideALineIsRefused() throws Exception {
        try (LineLog log = LineLog.open(tmp.resolve("log"), AtomicFiles.OWNER_ONLY, new ArrayList<>())) {
            assertThatThrownBy(() -> log.append("a\nb")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
