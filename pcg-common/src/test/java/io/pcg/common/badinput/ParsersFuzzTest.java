package io.pcg.common.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pcg.common.console.ConsoleEndpoint;
import io.pcg.common.errors.ErrorText;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.net.IpRange;
import io.pcg.common.proxy.NoProxy;
import io.pcg.common.proxy.ProxyUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input for the parsers operators feed by hand (OVF properties, agent.yml, console payloads): each accepts a value
 * or refuses it with an {@link IllegalArgumentException} whose message is fit for a log line and a console dialog
 * ({@link ErrorText#problem}: short, no CR/LF or other control characters, so no log or header injection). Any other
 * exception is a bug.
 *
 * <p>{@code everyNastyInputIsAcceptedOrRefusedCleanly} runs the checked-in corpus ({@code bad-inputs/}: huge values,
 * unicode, CRLF, a NO_PROXY of 5,000 entries) through every parser. The {@code @FuzzTest}s run their seeds in a
 * normal build (Jazzer's regression mode) and fuzz for {@code maxDuration} with {@code JAZZER_FUZZ=1}, one at a
 * time, e.g. {@code JAZZER_FUZZ=1 mvn -pl pcg-common test -Dtest='ParsersFuzzTest#noProxy'}.
 */
class ParsersFuzzTest {

    static final Map<String, Function<String, Object>> PARSERS = Map.of(
            "Ip.parse", Ip::parse,
            "Cidr.parse", Cidr::parse,
            "Cidr.parseNormalising", Cidr::parseNormalising,
            "IpRange.parse", IpRange::parse,
            "ProxyUrl.parse", ProxyUrl::parse,
            "NoProxy.parse", NoProxy::parse,
            "ConsoleEndpoint.parse", ConsoleEndpoint::parse);

    static Stream<Arguments> corpus() throws IOException {
        Path folder = Path.of("src/test/resources/bad-inputs");
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList().stream()
                    .flatMap(file -> PARSERS.keySet().stream()
                            .sorted()
                            .map(parser -> arguments(parser, file.getFileName().toString(), read(file))));
        }
    }

    @ParameterizedTest(name = "{0} ← {1}")
    @MethodSource("corpus")
    void everyNastyInputIsAcceptedOrRefusedCleanly(String parser, String file, String input) {
        acceptOrRefuseCleanly(PARSERS.get(parser), input);
    }

    @FuzzTest(maxDuration = "30s")
    void ip(byte[] input) {
        acceptOrRefuseCleanly(Ip::parse, text(input));
    }

    @FuzzTest(maxDuration = "30s")
    void cidr(byte[] input) {
        acceptOrRefuseCleanly(Cidr::parseNormalising, text(input));
    }

    @FuzzTest(maxDuration = "30s")
    void ipRange(byte[] input) {
        acceptOrRefuseCleanly(IpRange::parse, text(input));
    }

    @FuzzTest(maxDuration = "30s")
    void proxyUrl(byte[] input) {
        acceptOrRefuseCleanly(ProxyUrl::parse, text(input));
    }

    @FuzzTest(maxDuration = "30s")
    void noProxy(byte[] input) {
        acceptOrRefuseCleanly(NoProxy::parse, text(input));
    }

    @FuzzTest(maxDuration = "30s")
    void consoleEndpoint(byte[] input) {
        acceptOrRefuseCleanly(ConsoleEndpoint::parse, text(input));
    }

    static void acceptOrRefuseCleanly(Function<String, Object> parser, String input) {
        try {
            parser.apply(input);
        } catch (IllegalArgumentException refused) {
            assertThat(ErrorText.problem(refused.getMessage()))
                    .as("refusal message: %s", refused.getMessage())
                    .isEmpty();
        }
    }

    private static String text(byte[] input) {
        return new String(input, StandardCharsets.UTF_8);
    }

    private static String read(Path file) {
        try {
            return text(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
