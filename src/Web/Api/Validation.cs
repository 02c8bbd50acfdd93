using FluentValidation;

namespace Matchmaker.Web.Api;

/// <summary>Runs a FluentValidation validator on an endpoint's body: invalid input answers 400 with every field named, and nothing changes.</summary>
public static class Validation
{
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder, IValidator<T> validator) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var body = context.Arguments.OfType<T>().FirstOrDefault();
            if (body is null)
                return TypedResults.Problem(statusCode: 400, title: "The request body is missing", detail: "Send a JSON body.");
            var result = await validator.ValidateAsync(body);
            if (result.IsValid) return await next(context);
            return TypedResults.ValidationProblem(
                result.ToDictionary(),
                title: "The request is not valid",
                detail: string.Join(" ", result.Errors.Select(e => e.ErrorMessage).Distinct()));
        });
}
