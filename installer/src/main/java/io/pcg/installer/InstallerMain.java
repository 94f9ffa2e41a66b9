package io.pcg.installer;

/** First-boot installer entry point; filled in by the installer work. */
public final class InstallerMain {

    private InstallerMain() {
    }

    public static void main(String[] args) {
        System.exit(2);
    }
}
