using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Xunit.Abstractions;

namespace Matchmaker.Tests.Security;

/// <summary>
/// Reads the OpenAPI document and sends every operation, as the role it is for, one bad thing at a time: each body
/// field missing, null, of the wrong type, empty, 1 MB long, huge, negative, with control characters or an unknown id;
/// no body, a broken body, the wrong content type; bad query values and unknown path ids. Not one answer may be a
/// 5xx, a refused request (4xx) must leave the market's tables exactly as they were, and every status answered must
/// be one the operation's OpenAPI description lists.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class ApiFuzzTests(ITestOutputHelper output, SharedMarket markets)
{
    private static readonly JsonNode?[] BadValues =
    [
        null, JsonValue.Create(""), JsonValue.Create(new string('x', 1_000_000)), JsonValue.Create("\u0000\u0007\u001b\u202e"),
        JsonNode.Parse("123456789012345678901234567890"), JsonValue.Create(-1), JsonValue.Create(1e308), JsonValue.Create(true),
        new JsonObject(), new JsonArray(), JsonValue.Create(Guid.NewGuid().ToString()), JsonValue.Create("0001-01-01"),
    ];

    private static readonly string[] BadQueryValues = ["", "abc", "-1", "99999999999999999999", "%00%07", new('x', 5000), "0001-01-01"];

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryOperation_WithBadInput_NeverAnswers500_AndARefusalChangesNothing(string provider)
    {
        var market = await markets.ForAsync(provider);
        var doors = await Doors.OpenAsync(market);
        var document = await market.Desk.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var documented = new Matchmaker.Tests.Api.DocumentedStatuses(await market.Desk.GetFromJsonAsync<JsonElement>("/api/v1/openapi.json"));
        var failures = new List<string>();
        var sent = 0;
        var refused = 0;

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        foreach (var operation in path.Value.EnumerateObject())
        {
            var method = operation.Name.ToUpperInvariant();
            var door = AuthorisationMatrixTests.Api.Single(d => d.Method == method && d.Template == path.Name);
            var client = door.Allowed.Split(' ')[0] == Matchmaker.Silo.Access.Roles.Provider ? market.Provider : market.Desk;
            var properties = BodyProperties(document, operation.Value);
            foreach (var attempt in Attempts(operation.Value, properties, path.Name))
            {
                var url = "/api/v1" + await FillPathAsync(path.Name, doors, attempt.PathOverride) + attempt.Query;
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (properties is not null && attempt.Body is not NoBody)
                    request.Content = await BodyAsync(operation.Value.GetProperty("operationId").GetString()!, doors, attempt);
                var before = await FingerprintAsync(market);
                var response = await client.SendAsync(request);
                sent++;
                var status = (int)response.StatusCode;
                if (documented.Undocumented(method, path.Name, status, attempt.Description) is { } undocumented)
                    failures.Add(undocumented);
                if (status >= 500)
                    failures.Add($"{method} {url[..Math.Min(url.Length, 160)]} [{attempt.Description}]: {status} {Shorten(await response.Content.ReadAsStringAsync())}");
                else if (status >= 400)
                {
                    refused++;
                    if (await FingerprintAsync(market) != before)
                        failures.Add($"{method} {path.Name} [{attempt.Description}]: refused with {status} but changed the database");
                }
            }
        }

        output.WriteLine($"{provider}: {sent} requests, {refused} refused, {failures.Count} wrong");
        Assert.True(sent > 500, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(60)));
    }

    private sealed record Attempt(string Description, string Query = "", (string Name, string Value)? PathOverride = null, string? Field = null,
        JsonNode? Value = null, bool Remove = false, object? Body = null, string? ContentType = null);

    private sealed class NoBody;

    private static IEnumerable<Attempt> Attempts(JsonElement operation, IReadOnlyList<string>? properties, string template)
    {
        yield return new Attempt("as documented");
        if (operation.TryGetProperty("parameters", out var parameters))
            foreach (var parameter in parameters.EnumerateArray())
            {
                var name = parameter.GetProperty("name").GetString()!;
                switch (parameter.GetProperty("in").GetString())
                {
                    case "query":
                        foreach (var value in BadQueryValues)
                            yield return new Attempt($"query {name}={Shorten(value)}", $"?{name}={(value.StartsWith('%') ? value : Uri.EscapeDataString(value))}");
                        break;
                    case "path":
                        foreach (var value in new[] { Guid.NewGuid().ToString(), "atlantis", "%07%1B", new string('x', 1000), "00000000-0000-0000-0000-000000000000" })
                            yield return new Attempt($"path {name}={Shorten(value)}", PathOverride: (name, value));
                        break;
                }
            }
        if (properties is null) yield break;
        yield return new Attempt("no body", Body: new NoBody());
        yield return new Attempt("broken JSON", Body: "{\"a\":");
        yield return new Attempt("a JSON array", Body: "[]");
        yield return new Attempt("text/plain", Body: "hello", ContentType: "text/plain");
        foreach (var property in properties)
        {
            yield return new Attempt($"{property} missing", Field: property, Remove: true);
            foreach (var value in BadValues)
                yield return new Attempt($"{property}={Shorten(value?.ToJsonString() ?? "null")}", Field: property, Value: value);
        }
    }

    private static async Task<string> FillPathAsync(string template, Doors doors, (string Name, string Value)? overridden)
    {
        var path = template;
        foreach (var name in new[] { "regionCode", "offeringId", "requestId", "holdId", "placementId", "roundId", "webhookId" })
        {
            if (!path.Contains($"{{{name}}}")) continue;
            var value = overridden?.Name == name ? overridden.Value.Value : name switch
            {
                "regionCode" => MarketScenario.Region,
                "offeringId" => doors.Offering.ToString(),
                "requestId" => (await doors.NewRequestAsync()).ToString(),
                "holdId" => (await doors.NewHoldAsync()).ToString(),
                "placementId" => (await doors.NewPlacementAsync()).ToString(),
                "webhookId" => (await doors.NewWebhookAsync()).ToString(),
                _ => (await doors.RoundAsync()).ToString(),
            };
            path = path.Replace($"{{{name}}}", value.StartsWith('%') ? value : Uri.EscapeDataString(value));
        }
        return path;
    }

    /// <summary>A body that is right for the operation, with the one field of the attempt made wrong.</summary>
    private static async Task<HttpContent> BodyAsync(string operationId, Doors doors, Attempt attempt)
    {
        if (attempt.Body is string raw)
            return new StringContent(raw, Encoding.UTF8, attempt.ContentType ?? "application/json");
        object good = operationId switch
        {
            "setCapacity" => await doors.SameCapacityAsync(),
            "feedCapacity" => await doors.SameCapacityFeedAsync(),
            "createWebhook" => new { url = "https://hooks.example/fuzz" },
            "setWebhookStatus" => new { status = "paused" },
            "registerRequest" or "editRequest" => doors.NewChild(),
            "placeHold" => new { requestId = await doors.NewRequestAsync() },
            "acceptHold" => new { startDate = MarketScenario.InDays(3) },
            "declineHold" => new { reason = "other", note = "past niet" },
            "endPlacement" => new { endDate = MarketScenario.InDays(5), reason = "move" },
            _ => new { },
        };
        var body = JsonSerializer.SerializeToNode(good, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.AsObject();
        if (attempt.Field is { } field)
        {
            if (attempt.Remove) body.Remove(field);
            else body[field] = attempt.Value?.DeepClone();
        }
        var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static IReadOnlyList<string>? BodyProperties(JsonElement document, JsonElement operation)
    {
        if (!operation.TryGetProperty("requestBody", out var body)) return null;
        var schema = body.GetProperty("content").EnumerateObject().First().Value.GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/').Last());
        return schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(p => p.Name).ToList() : [];
    }

    /// <summary>Everything a request could change in the market (the audit log and change log aside, which reads and events add to).</summary>
    private static async Task<string> FingerprintAsync(MarketScenario market)
    {
        await using var connection = await market.Database.Database.OpenAsync();
        var row = (IDictionary<string, object>)await connection.QuerySingleAsync("""
            SELECT (SELECT count(*) FROM requests) AS requests, (SELECT coalesce(sum(version), 0) FROM requests) AS request_versions,
                   (SELECT count(*) FROM requests WHERE status = 'open') AS open_requests,
                   (SELECT count(*) FROM holds) AS holds, (SELECT count(*) FROM holds WHERE status = 'active') AS active_holds,
                   (SELECT count(*) FROM placements) AS placements, (SELECT count(*) FROM placements WHERE end_date IS NULL) AS running,
                   (SELECT coalesce(sum(version), 0) FROM offerings) AS offering_versions,
                   (SELECT coalesce(sum(total_units + 1000 * occupied_units + 1000000 * held_units), 0) FROM offerings) AS units,
                   (SELECT count(*) FROM matching_rounds) AS rounds, (SELECT count(*) FROM idempotency_keys) AS idempotency_keys,
                   (SELECT count(*) FROM webhook_subscriptions) AS webhooks,
                   (SELECT count(*) FROM webhook_subscriptions WHERE status = 'active') AS active_webhooks
            """);
        return string.Join(",", row.Values.Select(v => Convert.ToInt64(v)));
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
