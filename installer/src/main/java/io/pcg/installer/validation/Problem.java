package io.pcg.installer.validation;

import io.pcg.installer.ovf.OvfProperty;

/** One invalid OVF property: which one, what is wrong with it and how to fix it. */
public record Problem(OvfProperty property, String message) {

    /** One line, naming the property as the vSphere wizard shows it. */
    public String line() {
        return property.displayName() + ": " + message;
    }
}
