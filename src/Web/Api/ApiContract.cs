using System.Text.Json.Nodes;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Matchmaker.Web.Api;

/// <summary>
/// What the OpenAPI document promises for every operation, taken from the endpoint itself: the refusals its rules can
/// give (<see cref="Refuses"/>, by rule code) and those every door gives (400 for input, 401, 403, 404 for an id in the
/// path, 415 for a body, 429, 503), each as <c>application/problem+json</c> with one shared schema and an example per
/// code; <c>Location</c> on every 201; the token and its scopes. A test compares every status the API answers in the
/// fuzz and authorisation runs with what its operation documents.
/// </summary>
public static class ApiContract
{
    public const string ProblemSchema = "Problem";
    public const string TokenScheme = "apiToken";
    private const string ProblemJson = "application/problem+json";

    /// <summary>Endpoint metadata: the market rules that can refuse this operation.</summary>
    public sealed record Refusals(IReadOnlyList<RuleCode> Codes);

    public static RouteHandlerBuilder Refuses(this RouteHandlerBuilder builder, params RuleCode[] codes) => builder.WithMetadata(new Refusals(codes));

    public static void Document(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = Problem();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[TokenScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token of an organisation's system, issued by the region's administrator with the scopes it needs (docs/integration.md).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var scopes = metadata.OfType<ScopeRequirement>().SelectMany(s => s.AnyOf).Distinct().ToList();
            var authorised = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, response) in operation.Responses)
                if (status == "201" && response is OpenApiResponse created)
                {
                    created.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    created.Headers["Location"] = new OpenApiHeader { Description = "Where the new resource can be read.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                }
            if (authorised)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(TokenScheme, context.Document)] = [] }];
                if (scopes.Count > 0)
                    operation.Description = $"{operation.Description} Token scope (any of): {string.Join(", ", scopes)}.".Trim();
            }
            foreach (var (status, codes) in Refusable(operation, metadata, authorised, scopes.Count > 0))
                operation.Responses[status.ToString()] = Refused(status, codes, context.Document);
            return Task.CompletedTask;
        });
    }

    /// <summary>Every refusal the operation can give, by status, with the codes that come with it.</summary>
    private static SortedDictionary<int, List<string>> Refusable(OpenApiOperation operation, IList<object> metadata, bool authorised, bool scoped)
    {
        var refusals = new SortedDictionary<int, List<string>>();
        void Add(int status, string code)
        {
            if (!refusals.TryGetValue(status, out var codes)) refusals[status] = codes = [];
            if (!codes.Contains(code)) codes.Add(code);
        }
        var parameters = operation.Parameters ?? [];
        if (parameters.Count > 0 || operation.RequestBody is not null) Add(400, RuleProblems.Name(RuleCode.InvalidInput));
        if (operation.RequestBody is not null) Add(415, ProblemCodes.UnsupportedMediaType);
        if (parameters.Any(p => p.In == ParameterLocation.Path)) Add(404, RuleProblems.Name(RuleCode.NotFound));
        if (authorised)
        {
            Add(401, ProblemCodes.Unauthorized);
            if (scoped) Add(403, ProblemCodes.Forbidden);
            Add(429, ProblemCodes.TooManyRequests);
            Add(503, RuleProblems.Name(RuleCode.Busy));
        }
        foreach (var code in metadata.OfType<Refusals>().SelectMany(r => r.Codes))
            Add(RuleProblems.Of(code).Status, RuleProblems.Name(code));
        if (metadata.OfType<IdempotencyHeader.Accepted>().Any()) Add(422, RuleProblems.Name(RuleCode.IdempotencyKeyReused));
        return refusals;
    }

    private static OpenApiResponse Refused(int status, List<string> codes, OpenApiDocument? document)
    {
        var examples = new Dictionary<string, IOpenApiExample>();
        foreach (var code in codes)
            examples[code] = new OpenApiExample { Summary = code, Value = Example(status, code) };
        var response = new OpenApiResponse
        {
            Description = $"{Reason(status)} (code: {string.Join(", ", codes)}).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document), Examples = examples },
            },
        };
        if (status is 429 or 503)
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before trying again.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            };
        return response;
    }

    private static string Reason(int status) => status switch
    {
        400 => "The input is not valid; errors names each field",
        401 => "No valid API token",
        403 => "The token's role or scopes do not allow this operation",
        404 => "Not found, or not the caller's to see",
        409 => "Refused by a rule of the market",
        415 => "The body is not JSON",
        422 => "Refused until the caller says more",
        429 => "Too many requests; see Retry-After",
        503 => "Busy or moving; try again (see Retry-After)",
        _ => "Refused",
    };

    private static JsonObject Example(int status, string code)
    {
        var rule = Enum.GetValues<RuleCode>().Where(r => RuleProblems.Name(r) == code).Select(r => (RuleCode?)r).FirstOrDefault();
        var example = new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = rule is { } known ? RuleProblems.Of(known).Title : Reason(status),
            ["status"] = status,
            ["detail"] = rule is { } described ? RuleProblems.Explain(described) : ProblemCodes.ForStatus(status).Detail,
            ["code"] = code,
        };
        if (status == 400) example["errors"] = new JsonObject { ["fieldName"] = new JsonArray("What is wrong with this field.") };
        if (rule == RuleCode.OutsidePolicyNeedsReason) example["errors"] = new JsonObject { ["outsidePolicyReason"] = new JsonArray(RuleProblems.Explain(RuleCode.OutsidePolicyNeedsReason)) };
        return example;
    }

    /// <summary>RFC 9457 problem details, with this API's rule code and field errors.</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "A refusal (RFC 9457). Switch on code, not on title or detail.",
        Required = new HashSet<string> { "status", "title", "detail", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference naming the kind of problem." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem (English)." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong in this case (English)." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference to this occurrence." },
            // A string, not an enum: a new rule code must not break a client generated from an older document.
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = $"The rule that refused, stable across versions; switch on it. Codes so far: {string.Join(", ", ProblemCodes.All)}.",
            },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object, Description = "Per field of the input, what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The trace of this request, for support." },
        },
    };
}
