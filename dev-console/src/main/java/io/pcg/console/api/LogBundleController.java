package io.pcg.console.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.server.types.files.SystemFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.control.CommandService;
import io.pcg.console.gateway.GatewayStore;
import io.pcg.console.logbundle.LogBundleRecord;
import io.pcg.console.logbundle.LogBundleUploads;
import io.pcg.console.logbundle.LogBundles;
import java.util.List;

/**
 * The cluster's "Download logs" action: {@code POST .../logs} sends {@value LogBundleUploads#COMMAND}, whose agent
 * uploads the bundle over {@code Gateway.UploadLogBundle}; the stored bundles are listed and downloaded here.
 */
@Controller("/api/gateways")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class LogBundleController {

    private static final MediaType GZIP = MediaType.of("application/gzip");

    private final GatewayStore store;
    private final CommandService commands;
    private final LogBundles bundles;

    public LogBundleController(GatewayStore store, CommandService commands, LogBundles bundles) {
        this.store = store;
        this.commands = commands;
        this.bundles = bundles;
    }

    /** No body: what the bundle holds is set on the appliance. Follow the command; its result names the bundle. */
    @Post(
            value = "/{id}/logs",
            consumes = {MediaType.APPLICATION_JSON, MediaType.ALL})
    public HttpResponse<ApiViews.CommandAccepted> collect(String id) {
        return GatewayController.accepted(commands.submit(id, LogBundleUploads.COMMAND, "{}"));
    }

    /** Oldest first. */
    @Get("/{id}/log-bundles")
    public List<LogBundleRecord> list(String id) {
        store.get(id);
        return bundles.list(id);
    }

    @Get(value = "/{id}/log-bundles/{bundleId}", produces = "application/gzip")
    public SystemFile download(String id, String bundleId) {
        store.get(id);
        LogBundleRecord bundle = bundles.get(id, bundleId);
        return new SystemFile(bundles.file(bundle).toFile(), GZIP).attach(bundle.fileName());
    }
}
