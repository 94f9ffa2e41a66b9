package io.pcg.agent.cloudaccount;

import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.TypedCommandHandler;
import io.pcg.agent.vsphere.Placement;
import io.pcg.agent.vsphere.ValidationReport;
import io.pcg.agent.vsphere.VcenterValidation;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.secrets.Secret;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code cloudaccount.*} console commands: the tenant's further vCenter accounts besides the gateway's own
 * ({@value CloudAccount#DEFAULT}, stored by {@code gateway.configure}). Passwords go in with {@code create} and never
 * come out: results, errors and logs carry names, servers and user names only.
 */
public final class CloudAccountCommands {

    static final String INVALID_REQUEST = "CLOUD_ACCOUNT_INVALID_REQUEST";
    static final String CHECK_FAILED = "CLOUD_ACCOUNT_CHECK_FAILED";
    /** The vCenter check that proves the account logs in. */
    private static final String CREDENTIALS_CHECK = "credentials";

    private CloudAccountCommands() {}

    /** Payload of {@code cloudaccount.create}, the console's "Add cloud account" dialog. */
    public record CreateRequest(String name, String server, String username, Secret password, String thumbprint) {}

    /** Payload of {@code cloudaccount.validate}: the account, and optionally a placement to check it for. */
    public record ValidateRequest(String name, Placement placement) {}

    /** Payload naming one account. */
    public record AccountName(String name) {}

    /** Payload of {@code cloudaccount.list}: none. */
    public record NoArguments() {}

    /**
     * An account as the console shows it: everything but the password.
     *
     * @param usedBy the clusters that use it; it cannot be deleted while there are any
     */
    public record AccountView(String name, String server, String username, String thumbprint, List<String> usedBy) {

        static AccountView of(CloudAccount account, List<String> usedBy) {
            return new AccountView(account.name(), account.server(), account.username(), account.thumbprint(), usedBy);
        }
    }

    /** Shared shape: strict payloads, and the store's failures passed on with their code and hint. */
    abstract static class Handler<P> extends TypedCommandHandler<P> {

        final CloudAccountStore accounts;

        Handler(Class<P> payloadType, CloudAccountStore accounts) {
            super(payloadType, INVALID_REQUEST, UnknownFields.REJECT);
            this.accounts = accounts;
        }

        /** The command's work on a validated payload. */
        abstract Object apply(P payload) throws OperatorException, CommandFailedException;

        @Override
        protected final Object run(P payload) throws CommandFailedException {
            try {
                return apply(payload);
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
        }

        CloudAccount existing(String name) throws OperatorException {
            return accounts.get(name).orElseThrow(() -> notFound(name));
        }

        static OperatorException notFound(String name) {
            return new OperatorException(
                    CloudAccountStore.NOT_FOUND,
                    "there is no cloud account named " + name,
                    "cloudaccount.list shows the accounts there are.");
        }

        static void required(String value, String field) throws CommandFailedException {
            if (value == null || value.isBlank()) {
                throw new CommandFailedException(
                        INVALID_REQUEST, field + " is required", "Add the field '" + field + "'.");
            }
        }
    }

    /** Stores a new account once it has logged in to its vCenter (a wrong password is refused, not stored). */
    @Singleton
    public static class Create extends Handler<CreateRequest> {

        private final VcenterValidation validation;

        public Create(CloudAccountStore accounts, VcenterValidation validation) {
            super(CreateRequest.class, accounts);
            this.validation = validation;
        }

        @Override
        public String type() {
            return "cloudaccount.create";
        }

        @Override
        protected void validate(CreateRequest request) throws CommandFailedException {
            required(request.name(), "name");
            if (CloudAccount.DEFAULT.equals(request.name())) {
                throw new CommandFailedException(
                        INVALID_REQUEST,
                        "the name " + CloudAccount.DEFAULT + " is the gateway's own"
                                + " account, stored by gateway.configure",
                        "Pick another name, e.g. the vCenter's or the team's.");
            }
            try {
                new CloudAccount(
                        request.name(), request.server(), request.username(), request.password(), request.thumbprint());
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException(
                        INVALID_REQUEST,
                        e.getMessage(),
                        "Send name (a DNS label), server, username, password and the thumbprint you confirmed.");
            }
        }

        @Override
        Object apply(CreateRequest request) throws OperatorException, CommandFailedException {
            CloudAccount account = new CloudAccount(
                    request.name(), request.server(), request.username(), request.password(), request.thumbprint());
            accounts.requireNameFree(account.name()); // before asking vCenter, so a taken name is refused at once
            List<ValidationReport.Check> failed = loginFailures(validation.validate(
                    account.server(), account.username(), account.password(), account.thumbprint(), null));
            if (!failed.isEmpty()) {
                throw new CommandFailedException(
                        CHECK_FAILED,
                        "cloud account " + account.name() + " cannot log in to "
                                + account.server() + ": "
                                + failed.stream()
                                        .map(ValidationReport.Check::message)
                                        .collect(Collectors.joining("; ")),
                        failed.get(0).hint());
            }
            accounts.add(account);
            return AccountView.of(account, List.of());
        }

        private static List<ValidationReport.Check> loginFailures(ValidationReport report) {
            return report.checks(CREDENTIALS_CHECK).stream()
                    .filter(check -> check.status() == ValidationReport.Status.FAIL)
                    .toList();
        }
    }

    /** The vCenter checks with a stored account: its login, and the placement when one is given. */
    @Singleton
    public static class Validate extends Handler<ValidateRequest> {

        private final VcenterValidation validation;

        public Validate(CloudAccountStore accounts, VcenterValidation validation) {
            super(ValidateRequest.class, accounts);
            this.validation = validation;
        }

        @Override
        public String type() {
            return "cloudaccount.validate";
        }

        @Override
        protected void validate(ValidateRequest request) throws CommandFailedException {
            required(request.name(), "name");
        }

        @Override
        Object apply(ValidateRequest request) throws OperatorException, CommandFailedException {
            CloudAccount account = existing(request.name());
            return validation.validate(
                    account.server(),
                    account.username(),
                    account.password(),
                    account.thumbprint(),
                    request.placement());
        }
    }

    /** Every account without its password, with the clusters using it. */
    @Singleton
    public static class ListAccounts extends Handler<NoArguments> {

        public ListAccounts(CloudAccountStore accounts) {
            super(NoArguments.class, accounts);
        }

        @Override
        public String type() {
            return "cloudaccount.list";
        }

        @Override
        Object apply(NoArguments payload) throws OperatorException {
            List<AccountView> views = new ArrayList<>();
            for (CloudAccount account : accounts.list()) {
                views.add(AccountView.of(account, accounts.users(account.name())));
            }
            return Map.of("accounts", views);
        }
    }

    /** Deletes an account no cluster uses; the refusal of one in use names its clusters. */
    @Singleton
    public static class Delete extends Handler<AccountName> {

        public Delete(CloudAccountStore accounts) {
            super(AccountName.class, accounts);
        }

        @Override
        public String type() {
            return "cloudaccount.delete";
        }

        @Override
        protected void validate(AccountName payload) throws CommandFailedException {
            required(payload.name(), "name");
        }

        @Override
        Object apply(AccountName payload) throws OperatorException {
            if (!accounts.delete(payload.name())) {
                throw notFound(payload.name());
            }
            return Map.of("deleted", payload.name());
        }
    }
}
