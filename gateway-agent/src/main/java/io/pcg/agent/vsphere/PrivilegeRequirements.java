package io.pcg.agent.vsphere;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The privileges of the guide's root-level and Spectro role tables, mapped to vSphere privilege ids and to the
 * objects each is checked on. Loaded from {@code privileges.txt} beside this class.
 */
public record PrivilegeRequirements(List<Requirement> requirements) {

    static final String RESOURCE = "privileges.txt";

    /**
     * @param role           {@code root-level} or {@code spectro}, the guide's table
     * @param seedObject     the table's "vSphere Object" column, e.g. {@code Virtual machines}
     * @param seedPrivilege  the privilege as the table names it, sub-group first: {@code Interaction > Power on}
     * @param privilegeId    the vSphere id, e.g. {@code VirtualMachine.Interact.PowerOn}
     * @param objects        where it is checked
     */
    public record Requirement(
            String role, String seedObject, String seedPrivilege, String privilegeId, Set<PlacementObject> objects) {

        /** How the guide and the vSphere client name it: {@code Virtual machines > Interaction > Power on}. */
        public String label() {
            return seedObject + " > " + seedPrivilege;
        }
    }

    public static PrivilegeRequirements load() {
        InputStream in = PrivilegeRequirements.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the agent build");
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the table format; a malformed line fails with its line number. */
    public static PrivilegeRequirements parse(Reader source) throws IOException {
        List<Requirement> requirements = new ArrayList<>();
        BufferedReader reader = new BufferedReader(source);
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] cells =
                    Arrays.stream(text.split("\\|", -1)).map(String::strip).toArray(String[]::new);
            if (cells.length != 5 || Arrays.stream(cells).anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException(
                        "line " + number + ": expected 'role | seed object | seed privilege | "
                                + "privilege id | objects' with no empty cell, got: " + text);
            }
            if (!cells[0].equals("root-level") && !cells[0].equals("spectro")) {
                throw new IllegalArgumentException(
                        "line " + number + ": role must be root-level or spectro, got " + cells[0]);
            }
            if (!cells[3].matches("[A-Za-z]+(\\.[A-Za-z0-9]+)+")) {
                throw new IllegalArgumentException(
                        "line " + number + ": '" + cells[3] + "' is not a vSphere privilege id");
            }
            Set<PlacementObject> objects = EnumSet.noneOf(PlacementObject.class);
            for (String id : cells[4].split(",")) {
                try {
                    objects.add(PlacementObject.ofId(id));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
                }
            }
            requirements.add(new Requirement(cells[0], cells[1], cells[2], cells[3], Set.copyOf(objects)));
        }
        return new PrivilegeRequirements(List.copyOf(requirements));
    }

    /** Every distinct privilege id, in file order. */
    public Set<String> privilegeIds() {
        return requirements.stream().map(Requirement::privilegeId).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The requirements checked on one kind of object. */
    public List<Requirement> on(PlacementObject object) {
        return requirements.stream().filter(r -> r.objects().contains(object)).toList();
    }
}
