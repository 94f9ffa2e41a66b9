package io.pcg.bench;

import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.errors.ErrorText;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.net.IpRange;
import io.pcg.common.proxy.NoProxy;
import io.pcg.common.proxy.ProxyUrl;
import io.pcg.installer.ovf.InvalidOvfEnvironmentException;
import io.pcg.installer.ovf.OvfEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A bounded, reproducible bad-input run over the parsers operators feed by hand: the checked-in corpus
 * ({@code pcg-common/src/test/resources/bad-inputs}) and {@value #MUTANTS} mutants of it (seeded, so every run tries
 * the same inputs), each through every parser. A parser must accept the input or refuse it with its refusal type
 * and a message fit for a log line ({@link ErrorText#problem}); anything else is counted as mishandled and the
 * first few are printed. Jazzer's coverage-guided fuzzing is the {@code @FuzzTest}s in pcg-common and installer
 * ({@code JAZZER_FUZZ=1}); this is the fixed-size run the benchmark reports.
 *
 * <pre>
 * bad_inputs_tried: 100048 inputs         (the corpus and its mutants, each through every parser)
 * bad_input_parser_calls: 800384 calls
 * bad_inputs_mishandled: 0 calls
 * </pre>
 */
public final class BadInputBench {

    static final int MUTANTS = 100_000;
    private static final Path CORPUS = Path.of("pcg-common/src/test/resources/bad-inputs");
    private static final String[] SPLICES = {
        "\r\n",
        "\n",
        "\u0000",
        "\u2028",
        "\u202e",
        "%0d%0a",
        "/",
        "-",
        ",",
        ":",
        "@",
        "://",
        "[",
        "]",
        "%",
        ".",
        "9999999999",
        "::ffff:",
        "١",
        "💩",
        "\"",
        "<",
        "&#10;",
        "http://"
    };

    private interface Parser {
        void parse(String input) throws Exception;
    }

    public static void main(String[] args) throws IOException {
        Map<String, Parser> parsers = new LinkedHashMap<>();
        parsers.put("Ip.parse", Ip::parse);
        parsers.put("Cidr.parse", Cidr::parse);
        parsers.put("Cidr.parseNormalising", Cidr::parseNormalising);
        parsers.put("IpRange.parse", IpRange::parse);
        parsers.put("ProxyUrl.parse", ProxyUrl::parse);
        parsers.put("NoProxy.parse", NoProxy::parse);
        parsers.put("ConsoleEndpoint.parse", ConsoleEndpoint::parse);
        parsers.put("OvfEnvironment.parse", input -> OvfEnvironment.parse(input.getBytes(StandardCharsets.UTF_8)));

        List<String> inputs = new ArrayList<>(seeds());
        Random random = new Random(20261127L);
        int seeds = inputs.size();
        for (int i = 0; i < MUTANTS; i++) {
            inputs.add(mutate(inputs.get(random.nextInt(seeds)), random));
        }

        long calls = 0;
        List<String> mishandled = new ArrayList<>();
        for (String input : inputs) {
            for (Map.Entry<String, Parser> parser : parsers.entrySet()) {
                calls++;
                check(parser.getValue(), input).ifPresent(what -> mishandled.add(parser.getKey() + ": " + what));
            }
        }
        mishandled.stream().limit(5).forEach(line -> System.err.println("mishandled: " + ErrorText.quote(line)));
        System.out.println("bad_inputs_tried: " + inputs.size() + " inputs");
        System.out.println("bad_input_parser_calls: " + calls + " calls");
        System.out.println("bad_inputs_mishandled: " + mishandled.size() + " calls");
    }

    /** Empty when the parser accepted the input or refused it cleanly; else what went wrong. */
    private static Optional<String> check(Parser parser, String input) {
        try {
            parser.parse(input);
            return Optional.empty();
        } catch (IllegalArgumentException | InvalidOvfEnvironmentException refused) {
            return ErrorText.problem(refused.getMessage()).map(problem -> "refusal unfit: " + problem);
        } catch (Exception | StackOverflowError | OutOfMemoryError unexpected) {
            return Optional.of("escaped " + unexpected.getClass().getName());
        }
    }

    private static List<String> seeds() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            List<String> seeds = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                seeds.add(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            }
            // Valid values too, so the mutants are near misses of what each parser accepts.
            seeds.addAll(List.of(
                    "10.10.183.1",
                    "fd00::1",
                    "10.10.0.0/16",
                    "fd00::/64",
                    "10.10.183.1-10.10.183.100",
                    "http://user:p%40ss@proxy.example.com:3128",
                    "vcenter.example.com,.example.org,10.20.0.0/16",
                    "https://console.example.com",
                    "<Environment xmlns=\"" + OvfEnvironment.NAMESPACE + "\"/>"));
            return seeds;
        }
    }

    /** One to three edits: a splice of a nasty fragment, a deletion, a duplication or a random character. */
    private static String mutate(String seed, Random random) {
        StringBuilder text = new StringBuilder(seed.length() > 4096 ? seed.substring(0, 4096) : seed);
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> text.insert(at, SPLICES[random.nextInt(SPLICES.length)]);
                case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(8)));
                case 2 -> text.insert(at, text.substring(at, Math.min(text.length(), at + random.nextInt(16))));
                default -> text.insert(at, (char) random.nextInt(0x3000));
            }
        }
        return text.toString();
    }
}
