using FluentValidation;

namespace Matchmaker.Web.Api;

/// <summary>Runs a FluentValidation validator on an endpoint's body: invalid input answers 400 with every field named, and nothing changes.</summary>
public static class Validation
{
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder, IValidator<T> validator) =>
        builder.Validate(_ => validator);

    /// <summary>For rules that need today's date: the validator is made per call with the app's clock.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder, Func<TimeProvider, IValidator<T>> create) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var validator = create(context.HttpContext.RequestServices.GetRequiredService<TimeProvider>());
            var body = context.Arguments.OfType<T>().FirstOrDefault();
            if (body is null)
                return TypedResults.Problem(statusCode: 400, title: "The request body is missing", detail: "Send a JSON body.");
            var result = await validator.ValidateAsync(body);
            if (result.IsValid) return await next(context);
            return ApiProblems.Invalid(result.ToDictionary());
        });
}
