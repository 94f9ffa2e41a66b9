package io.pcg.installer.validation;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of checking the OVF properties: settings when every property is valid, otherwise every problem.
 *
 * @param notes things worth knowing that do not stop the installation (defaults used, settings ignored)
 */
public record Validation(Optional<InstallerSettings> settings, List<Problem> problems, List<String> notes) {

    public boolean valid() {
        return problems.isEmpty();
    }
}
