package io.pcg.console.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.pcg.console.ConsoleException;
import io.pcg.console.DevConsoleApplication;
import jakarta.inject.Singleton;

/** Turns a refused request into a 4xx with {@code {"message": "..."}} that says what to fix. */
@Produces
@Singleton
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class ConsoleExceptionHandler implements ExceptionHandler<ConsoleException, HttpResponse<ApiViews.ErrorView>> {

    @Override
    public HttpResponse<ApiViews.ErrorView> handle(HttpRequest request, ConsoleException exception) {
        HttpStatus status = switch (exception.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case INVALID -> HttpStatus.BAD_REQUEST;
        };
        return HttpResponse.<ApiViews.ErrorView>status(status).body(new ApiViews.ErrorView(exception.getMessage()));
    }
}
