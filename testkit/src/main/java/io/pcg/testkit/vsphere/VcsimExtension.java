package io.pcg.testkit.vsphere;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link Vcsim} for one test class, started before its first test and stopped after its last (after the class's
 * own {@code @AfterAll} methods). Per class rather than per JVM: each class models its own inventory and adds tags
 * and datastores to it. Register it on a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final VcsimExtension VCSIM = new VcsimExtension("-cluster", "2");
 * ... VCSIM.vcsim().server() ...
 * }</pre>
 */
public final class VcsimExtension implements BeforeAllCallback, AfterAllCallback {

    private final List<String> modelFlags;
    private Vcsim vcsim;

    /** @param modelFlags vcsim's inventory flags, e.g. {@code -cluster 2 -host 3}; none for its default model */
    public VcsimExtension(String... modelFlags) {
        this.modelFlags = List.of(modelFlags);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        vcsim = Vcsim.start(modelFlags.toArray(String[]::new));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (vcsim != null) {
            vcsim.close();
            vcsim = null;
        }
    }

    /** The running vcsim. */
    public Vcsim vcsim() {
        if (vcsim == null) {
            throw new IllegalStateException(
                    "vcsim is not running: register VcsimExtension on a static field with @RegisterExtension");
        }
        return vcsim;
    }
}
