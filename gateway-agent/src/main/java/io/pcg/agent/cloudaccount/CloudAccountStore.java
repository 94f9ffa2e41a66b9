package io.pcg.agent.cloudaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pcg.agent.state.AgentState;
import io.pcg.agent.state.StateStorage;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.secrets.Secret;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway's cloud accounts (vCenter credentials), encrypted at rest so that a copied state directory, backup or
 * support bundle without the key reveals nothing, not even user names or servers.
 *
 * <p>{@value #ACCOUNTS_FILE} holds a small JSON envelope: format, version, the id of the key, a fresh random 96-bit
 * nonce and the AES-256-GCM ciphertext of all accounts. The envelope's header is bound to the ciphertext as
 * associated data, so any change to the file fails authentication. The key is {@value #KEY_FILE}: 32 random bytes,
 * created on first use, mode 0600 in a 0700 folder. Both are written atomically. After the pivot both are keys of the
 * agent's state Secret in the gateway cluster ({@link AgentState}), where every replica of the agent reads them.
 *
 * <p>A file that cannot be read (changed, damaged, another key, key gone) is an {@link OperatorException} with a
 * code and a hint, and it is never overwritten: a save or delete refuses rather than replace accounts it could not
 * read. Messages never quote the file's content.
 *
 * <p>The same file holds which cluster uses which account ({@link #bind}), so that an account in use is never deleted
 * from under its clusters ({@link #delete} names them). The gateway cluster is bound to {@value CloudAccount#DEFAULT}
 * while it is configured; tenant clusters bind the account they name.
 */
@Singleton
public class CloudAccountStore {

    public static final String ACCOUNTS_FILE = "cloud-accounts.json";
    public static final String KEY_FILE = "keys/account.key";

    /** The file is changed, damaged, or not an accounts file at all. */
    public static final String UNREADABLE = "CLOUD_ACCOUNTS_UNREADABLE";
    /** The file exists but its key does not. */
    public static final String KEY_MISSING = "CLOUD_ACCOUNTS_KEY_MISSING";
    /** The file was encrypted with another key than the one on disk. */
    public static final String WRONG_KEY = "CLOUD_ACCOUNTS_WRONG_KEY";
    /** The key file is not a 256-bit key. */
    public static final String KEY_INVALID = "CLOUD_ACCOUNTS_KEY_INVALID";
    /** Reading or writing failed in the file system. */
    public static final String IO_FAILED = "CLOUD_ACCOUNTS_IO_FAILED";
    /** {@link #add} of a name that is taken. */
    public static final String EXISTS = "CLOUD_ACCOUNT_EXISTS";
    /** No account has that name. */
    public static final String NOT_FOUND = "CLOUD_ACCOUNT_NOT_FOUND";
    /** {@link #delete} of an account clusters use. */
    public static final String IN_USE = "CLOUD_ACCOUNT_IN_USE";

    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String FORMAT = "pcg-cloud-accounts";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStorage storage;
    private final SecureRandom random = new SecureRandom();

    /** In the agent's state: the state folder, after the pivot its Secret in the gateway cluster (key included). */
    @Inject
    public CloudAccountStore(AgentState state) {
        this((StateStorage) state);
        state.share(ACCOUNTS_FILE, KEY_FILE);
    }

    /** In a state folder of its own. */
    public CloudAccountStore(Path stateDir) {
        this(AgentState.local(stateDir));
    }

    private CloudAccountStore(StateStorage storage) {
        this.storage = storage;
    }

    /** Everything the file holds: the accounts by name and, by cluster name, the account each cluster uses. */
    private record Contents(SortedMap<String, CloudAccount> accounts, SortedMap<String, String> bindings) {

        List<String> users(String account) {
            return bindings.entrySet().stream()
                    .filter(binding -> binding.getValue().equals(account))
                    .map(Map.Entry::getKey)
                    .toList();
        }
    }

    /** Adds the account, or replaces the one with the same name. */
    public synchronized void save(CloudAccount account) throws OperatorException {
        Contents contents = load();
        contents.accounts().put(account.name(), account);
        store(contents);
    }

    /** Adds an account whose name is not taken yet. */
    public synchronized void add(CloudAccount account) throws OperatorException {
        Contents contents = load();
        requireNameFree(contents, account.name());
        contents.accounts().put(account.name(), account);
        store(contents);
    }

    /** @throws OperatorException {@value #EXISTS} when an account has that name */
    public synchronized void requireNameFree(String name) throws OperatorException {
        requireNameFree(load(), name);
    }

    private static void requireNameFree(Contents contents, String name) throws OperatorException {
        if (contents.accounts().containsKey(name)) {
            throw new OperatorException(
                    EXISTS,
                    "a cloud account named " + name + " exists already",
                    "Pick another name, or delete the existing account first.");
        }
    }

    public synchronized Optional<CloudAccount> get(String name) throws OperatorException {
        return Optional.ofNullable(load().accounts().get(name));
    }

    /** The gateway's own account ({@value CloudAccount#DEFAULT}), once {@code gateway.configure} stored it. */
    public Optional<CloudAccount> defaultAccount() throws OperatorException {
        return get(CloudAccount.DEFAULT);
    }

    /** Every account, by name. */
    public synchronized List<CloudAccount> list() throws OperatorException {
        return List.copyOf(load().accounts().values());
    }

    /**
     * @return false when there was no such account
     * @throws OperatorException {@value #IN_USE}, naming the clusters, while any cluster uses the account
     */
    public synchronized boolean delete(String name) throws OperatorException {
        Contents contents = load();
        if (!contents.accounts().containsKey(name)) {
            return false;
        }
        List<String> users = contents.users(name);
        if (!users.isEmpty()) {
            throw new OperatorException(
                    IN_USE,
                    "cloud account " + name + " is used by cluster(s) " + String.join(", ", users),
                    "Delete those clusters (reset the gateway for the gateway cluster), or give them another account,"
                            + " then delete the account.");
        }
        contents.accounts().remove(name);
        store(contents);
        return true;
    }

    /** Records that {@code cluster} uses {@code account} (replacing the account it used before); a repeat writes nothing. */
    public synchronized void bind(String cluster, String account) throws OperatorException {
        Contents contents = load();
        if (!contents.accounts().containsKey(account)) {
            throw new OperatorException(
                    NOT_FOUND,
                    "cluster " + cluster + " names cloud account " + account + ", which does not exist",
                    "Create the account first, or name an existing one.");
        }
        if (!account.equals(contents.bindings().put(cluster, account))) {
            store(contents);
        }
    }

    /** Forgets which account {@code cluster} uses, once the cluster is gone. */
    public synchronized void unbind(String cluster) throws OperatorException {
        Contents contents = load();
        if (contents.bindings().remove(cluster) != null) {
            store(contents);
        }
    }

    /**
     * Every cluster that uses some account, by name, sorted: the gateway cluster and the tenant clusters this gateway
     * manages ({@code cluster.create} binds them, their delete unbinds them).
     */
    public synchronized List<String> clusters() throws OperatorException {
        return List.copyOf(load().bindings().keySet());
    }

    /** The clusters that use the account, by name. */
    public synchronized List<String> users(String account) throws OperatorException {
        return load().users(account);
    }

    private Contents load() throws OperatorException {
        String accountsFile = storage.describe(ACCOUNTS_FILE);
        byte[] stored;
        try {
            Optional<byte[]> read = storage.read(ACCOUNTS_FILE);
            if (read.isEmpty()) {
                return new Contents(new TreeMap<>(), new TreeMap<>());
            }
            stored = read.get();
        } catch (IOException e) {
            throw ioFailed("read " + accountsFile, e);
        }
        JsonNode envelope;
        try {
            envelope = JSON.readTree(stored);
        } catch (IOException e) {
            throw unreadable(accountsFile + " is not a cloud accounts file (it is not the JSON the agent writes)");
        }
        if (envelope == null || !FORMAT.equals(envelope.path("format").asText())) {
            throw unreadable(accountsFile + " is not a cloud accounts file (no \"format\": \"" + FORMAT + "\")");
        }
        if (envelope.path("version").asInt() != VERSION) {
            throw unreadable(accountsFile + " has format version "
                    + envelope.path("version").asText() + " but this agent reads version " + VERSION
                    + " (was it written by a newer agent?)");
        }
        byte[] key = existingKey();
        String keyId = envelope.path("keyId").asText();
        if (!keyId.equals(keyId(key))) {
            throw new OperatorException(
                    WRONG_KEY,
                    accountsFile + " was encrypted with another key than " + storage.describe(KEY_FILE) + " (key id "
                            + keyId
                            + ", the key on disk has " + keyId(key) + ")",
                    restoreKeyHint());
        }
        byte[] plaintext;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(
                            TAG_BITS,
                            Base64.getDecoder().decode(envelope.path("nonce").asText())));
            cipher.updateAAD(header(keyId));
            plaintext = cipher.doFinal(
                    Base64.getDecoder().decode(envelope.path("ciphertext").asText()));
        } catch (AEADBadTagException e) {
            throw unreadable(
                    accountsFile + " fails its integrity check: it was changed or damaged after the agent wrote it");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw unreadable(accountsFile + " cannot be decrypted: its nonce or ciphertext is malformed");
        }
        try {
            JsonNode content = JSON.readTree(plaintext);
            SortedMap<String, CloudAccount> accounts = new TreeMap<>();
            for (JsonNode node : content.path("accounts")) {
                CloudAccount account = new CloudAccount(
                        node.path("name").asText(),
                        node.path("server").asText(),
                        node.path("username").asText(),
                        Secret.of(node.path("password").asText()),
                        node.path("thumbprint").asText());
                accounts.put(account.name(), account);
            }
            // Files written before clusters were bound have no "bindings": nothing is in use.
            SortedMap<String, String> bindings = new TreeMap<>();
            for (JsonNode node : content.path("bindings")) {
                bindings.put(node.path("cluster").asText(), node.path("account").asText());
            }
            return new Contents(accounts, bindings);
        } catch (IOException | IllegalArgumentException e) {
            // Neither exception is attached: their texts may quote the decrypted content, passwords included.
            throw unreadable(accountsFile + " decrypts but its content is not a list of accounts");
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private void store(Contents contents) throws OperatorException {
        Optional<byte[]> existing = existingKeyIfAny();
        byte[] key = existing.isPresent() ? existing.get() : newKey();
        ObjectNode content = JSON.createObjectNode();
        ArrayNode list = content.putArray("accounts");
        for (CloudAccount account : contents.accounts().values()) {
            list.addObject()
                    .put("name", account.name())
                    .put("server", account.server())
                    .put("username", account.username())
                    .put("password", account.password().reveal())
                    .put("thumbprint", account.thumbprint());
        }
        ArrayNode bindings = content.putArray("bindings");
        contents.bindings()
                .forEach((cluster, account) ->
                        bindings.addObject().put("cluster", cluster).put("account", account));
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        String keyId = keyId(key);
        byte[] plaintext = null;
        byte[] ciphertext;
        try {
            plaintext = JSON.writeValueAsBytes(content);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header(keyId));
            ciphertext = cipher.doFinal(plaintext);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM with a 256-bit key is part of every Java 17 runtime", e);
        } finally {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
        ObjectNode envelope = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("version", VERSION)
                .put("keyId", keyId)
                .put("nonce", Base64.getEncoder().encodeToString(nonce))
                .put("ciphertext", Base64.getEncoder().encodeToString(ciphertext));
        try {
            storage.write(ACCOUNTS_FILE, JSON.writeValueAsBytes(envelope));
        } catch (IOException e) {
            throw ioFailed("write " + storage.describe(ACCOUNTS_FILE), e);
        }
    }

    private byte[] existingKey() throws OperatorException {
        return existingKeyIfAny()
                .orElseThrow(() -> new OperatorException(
                        KEY_MISSING,
                        storage.describe(ACCOUNTS_FILE) + " exists but its key " + storage.describe(KEY_FILE)
                                + " does not",
                        restoreKeyHint()));
    }

    private Optional<byte[]> existingKeyIfAny() throws OperatorException {
        Optional<byte[]> key;
        try {
            key = storage.read(KEY_FILE);
        } catch (IOException e) {
            throw ioFailed("read " + storage.describe(KEY_FILE), e);
        }
        if (key.isPresent() && key.get().length != KEY_BYTES) {
            throw new OperatorException(
                    KEY_INVALID,
                    storage.describe(KEY_FILE) + " holds " + key.get().length + " bytes, not a " + KEY_BYTES * 8
                            + "-bit key",
                    restoreKeyHint());
        }
        return key;
    }

    private byte[] newKey() throws OperatorException {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        try {
            storage.write(KEY_FILE, key);
        } catch (IOException e) {
            throw ioFailed("create " + storage.describe(KEY_FILE), e);
        }
        return key;
    }

    /** Names the key without revealing anything about it, so a swapped key is told apart from a changed file. */
    private static String keyId(byte[] key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("pcg cloud account key id\n".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static byte[] header(String keyId) {
        return (FORMAT + "\n" + VERSION + "\n" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    private String restoreKeyHint() {
        return "Nothing was changed. Restore " + storage.describe(KEY_FILE) + " from the same backup as "
                + storage.describe(ACCOUNTS_FILE)
                + "; if the key is"
                + " lost, delete both and send gateway.configure again to store the vCenter account anew.";
    }

    private OperatorException unreadable(String message) {
        return new OperatorException(
                UNREADABLE,
                message,
                "Nothing was changed. Restore " + storage.describe(ACCOUNTS_FILE) + " (and "
                        + storage.describe(KEY_FILE) + ") from a backup of the agent's state, or delete "
                        + storage.describe(ACCOUNTS_FILE)
                        + " and send gateway.configure again to store the vCenter account anew.");
    }

    private OperatorException ioFailed(String what, IOException e) {
        return new OperatorException(
                IO_FAILED,
                "cannot " + what + ": " + e.getClass().getSimpleName() + " " + e.getMessage(),
                "Check that the agent's state folder exists, is writable by the agent and that its disk is not full,"
                        + " or after the pivot that the gateway cluster answers.",
                e);
    }
}
