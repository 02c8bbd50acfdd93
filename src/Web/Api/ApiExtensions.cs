using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;

namespace Matchmaker.Web.Api;

/// <summary>The REST API under /api/v1 (NL API Design Rules: version in the path, API-Version header, OpenAPI, ProblemDetails).</summary>
public static class ApiExtensions
{
    public const string Version = "1.0.0";

    public static IServiceCollection AddMatchmakerApi(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            // A number is a JSON number: the web defaults also read "12" as 12, which the OpenAPI document then has to
            // describe as "number or string", and clients generated from it get a type per field instead of a double.
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            // A field sent twice is refused, not read as its last value: a gateway or log that reads the first would
            // see another request than the one the engine carries out.
            options.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails += ProblemCodes.Complete);
        // Field names in validation errors as the client sends them (lowerCamelCase).
        FluentValidation.ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Desk, policy => policy.RequireRole(Silo.Access.Roles.Desk))
            .AddPolicy(Policies.Provider, policy => policy.RequireRole(Silo.Access.Roles.Provider))
            .AddPolicy(Policies.Municipality, policy => policy.RequireRole(Silo.Access.Roles.Municipality))
            .AddPolicy(Policies.Caseworker, policy => policy.RequireRole(Silo.Access.Roles.Caseworker))
            .AddPolicy(Policies.Network, policy => policy.RequireRole(Silo.Access.Roles.Network))
            .AddPolicy(Policies.National, policy => policy.RequireRole(Silo.Access.Roles.National))
            .AddPolicy(Policies.DeskOrProvider, policy => policy.RequireRole(Silo.Access.Roles.Desk, Silo.Access.Roles.Provider))
            .AddPolicy(Policies.Live, policy => policy.RequireRole(Silo.Access.Roles.Desk, Silo.Access.Roles.Provider, Silo.Access.Roles.Caseworker))
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Silo.Access.Roles.Admin))
            .AddPolicy(Policies.AnyRole, policy => policy.RequireRole(Silo.Access.Roles.All));
        services.AddOpenApi("v1", options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            ApiContract.Document(options);
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Matchmaker API",
                    Version = Version,
                    Description = "Live capacity, requests, matching rounds, holds and placements for specialised youth care (jeugdhulp) under a court order.",
                    Contact = new OpenApiContact { Name = "Matchmaker", Email = "api@matchmaker.example", Url = new Uri("https://matchmaker.example/api") },
                };
                document.Servers = [new OpenApiServer { Url = "/api/v1", Description = "this server" }];
                // Paths are relative to the server URL, which holds the major version.
                var paths = new OpenApiPaths();
                foreach (var (path, item) in document.Paths)
                    paths.Add(path.StartsWith("/api/v1/", StringComparison.Ordinal) ? path["/api/v1".Length..] : path, item);
                paths.Add("/openapi.json", OpenApiDocumentItem());
                document.Paths = paths;
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IdempotencyHeader.Accepted>().Any())
                    AddOptionalHeader(operation, IdempotencyHeader.Name,
                        "Any unique value (a UUID) per intended change. A retry with the same key returns the first result and changes nothing more; the same key for a different request answers 422.",
                        Silo.Market.IdempotentRequest.MaxKeyLength);
                if (metadata.OfType<IfMatchHeader.Accepted>().Any())
                    AddOptionalHeader(operation, IfMatchHeader.Name,
                        "The editTag as read, quoted (e.g. \"5f2c0a9e1b7d3c44\"), or a list of them. When the editable fields are none of those any more, the edit is refused with 412 and nothing changes; a weak tag never matches. Without it, or with *, the edit applies to what is there.");
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    if (response is not OpenApiResponse documented || !(status.StartsWith('2') || status.StartsWith('3'))) continue;
                    documented.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    documented.Headers["API-Version"] = new OpenApiHeader
                    {
                        Description = "The full version of the API (semver).",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                }
                return Task.CompletedTask;
            });
        });
        return services;
    }

    private static void AddOptionalHeader(OpenApiOperation operation, string name, string description, int? maxLength = null)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = false,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength },
        });
    }

    /// <summary>The document describes itself (NL API Design Rules): GET /openapi.json, readable by anyone, from any origin.</summary>
    private static OpenApiPathItem OpenApiDocumentItem() => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new()
            {
                OperationId = "getOpenApiDocument",
                Summary = "This API's OpenAPI document",
                Description = "The OpenAPI document of this version of the API; no authentication, CORS open to any origin.",
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse
                    {
                        Description = "The OpenAPI document.",
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() },
                        Headers = new Dictionary<string, IOpenApiHeader>
                        {
                            ["API-Version"] = new OpenApiHeader { Description = "The full version of the API (semver).", Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                            ["Access-Control-Allow-Origin"] = new OpenApiHeader { Description = "Always *.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                        },
                    },
                },
            },
        },
    };

    public static void MapMatchmakerApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapOpenApi("/api/{documentName}/openapi.json").AllowAnonymous().Add(endpoint =>
        {
            var serve = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                context.Response.Headers.AccessControlAllowOrigin = "*";
                return serve(context);
            };
        });
        var api = app.MapGroup("/api/v1").AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers["API-Version"] = Version;
            return await next(context);
        });
        api.MapMeApi();
        api.MapCapacityApi();
        api.MapCapacityFeedApi();
        api.MapRequestsApi();
        api.MapChildTimelineApi();
        api.MapSiblingSplitApi();
        api.MapEscalationApi();
        api.MapFollowUpApi();
        api.MapMatchingRoundsApi();
        api.MapHoldsApi();
        api.MapPlacementsApi();
        api.MapAuditApi();
        api.MapEventsApi();
        api.MapWebhooksApi();
        api.MapFiguresApi();
    }

    /// <summary>Every response under /api carries the API-Version header, errors included.</summary>
    public static void UseApiVersionHeader(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers["API-Version"] = Version;
                    return Task.CompletedTask;
                });
            await next();
        });
}

public static class EndpointDocumentation
{
    /// <summary>The operationId and description the OpenAPI document shows for an endpoint.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string operationId, string description) =>
        builder.WithName(operationId).WithDescription(description);
}

public static class ApiProblems
{
    /// <summary>400 with every field's errors, and all of them together as the detail.</summary>
    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid", detail: string.Join(" ", errors.Values.SelectMany(e => e).Distinct()),
            extensions: new Dictionary<string, object?> { ["code"] = RuleProblems.Name(Silo.Market.RuleCode.InvalidInput) });

    public static IResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Another region's data answers as if it did not exist.</summary>
    public static IResult RegionNotFound(string regionCode) =>
        TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"Region '{regionCode}' does not exist or is not yours to see.");
}

public static class Policies
{
    public const string Desk = "desk";
    public const string Provider = "provider";
    public const string Municipality = "municipality";
    public const string Caseworker = "caseworker";
    public const string Network = "network";
    public const string National = "national";
    public const string DeskOrProvider = "desk-or-provider";
    /// <summary>Who hears live changes: desks, providers, and caseworkers (of their own children only).</summary>
    public const string Live = "live";
    public const string Admin = "admin";
    /// <summary>Any signed-in person or system, whatever its role (only for "who am I").</summary>
    public const string AnyRole = "any-role";
}
