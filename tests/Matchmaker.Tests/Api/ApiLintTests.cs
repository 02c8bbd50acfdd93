using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Xunit.Abstractions;

namespace Matchmaker.Tests.Api;

/// <summary>
/// The OpenAPI document passes the project's Spectral ruleset for the NL API Design Rules (lint/) with 0 errors, and
/// every rule of that ruleset catches a copy of the document broken for it. <c>MATCHMAKER_SPECTRAL</c> names the linter
/// (./test.sh installs it).
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed partial class ApiLintTests(ITestOutputHelper output, SharedMarket markets)
{
    private static string Ruleset => Path.Combine(WebNode.RepositoryRoot(), "lint", "nl-api-design-rules.yaml");

    /// <summary>Per rule of the ruleset, how to break the document for it.</summary>
    private static readonly Dictionary<string, Action<JsonObject>> Breaks = new()
    {
        ["oas3-schema"] = d => Info(d).Remove("title"),
        ["operation-operationId-unique"] = d => Operation(d, "/holds", "get")["operationId"] = "getMe",
        ["path-params"] = d => Operation(d, "/offerings/{offeringId}/confirm", "post").Remove("parameters"),
        ["openapi-tags-uniqueness"] = d => d["tags"] = new JsonArray(new JsonObject { ["name"] = "holds" }, new JsonObject { ["name"] = "holds" }),
        ["oas3-valid-media-example"] = d =>
            Operation(d, "/offerings/{offeringId}/holds", "post")["responses"]!["409"]!["content"]!["application/problem+json"]!["examples"]!["place-taken"]!["value"]!["status"] = "409",
        ["oas3-valid-schema-example"] = d => Problem(d)["properties"]!["status"]!["example"] = "four hundred",
        ["oas3-server-variables"] = d => d["servers"]![0]!["url"] = "/api/v1/{tenant}",
        ["oas3-api-servers"] = d => d["servers"] = new JsonArray(),
        ["path-keys-no-trailing-slash"] = d => Rename(d, "/me", "/me/"),
        ["nlgov-openapi-3"] = d => d["openapi"] = "4.0.0",
        ["nlgov-openapi-field-present"] = d => d.Remove("openapi"),
        ["nlgov-success-has-headers"] = d => Operation(d, "/me", "get")["responses"]!["200"]!.AsObject().Remove("headers"),
        ["nlgov-api-version-header"] = d => Operation(d, "/me", "get")["responses"]!["200"]!["headers"]!.AsObject().Remove("API-Version"),
        ["nlgov-servers-carry-the-major-version"] = d => d["servers"]![0]!["url"] = "/api",
        ["nlgov-paths-no-trailing-slash"] = d => Rename(d, "/holds", "/holds/"),
        ["nlgov-info-contact-present"] = d => Info(d).Remove("contact"),
        ["nlgov-info-contact"] = d => Info(d)["contact"]!.AsObject().Remove("email"),
        ["nlgov-standard-methods-only"] = d => d["paths"]!["/me"]!["copy"] = Operation(d, "/me", "get").DeepClone(),
        ["nlgov-paths-kebab-case"] = d => Rename(d, "/holds", "/proposedHolds"),
        ["nlgov-query-parameters-camel-case"] = d => ((JsonArray)Operation(d, "/regions/{regionCode}/availability", "get")["parameters"]!)
            .Single(p => (string?)p!["name"] == "pageSize")!["name"] = "page_size",
        ["nlgov-schema-names-pascal-case"] = d => d["components"]!["schemas"]!["problem_extra"] = new JsonObject { ["type"] = "object" },
        ["nlgov-servers-use-https"] = d => d["servers"]![0]!["url"] = "http://matchmaker.example/api/v1",
        ["nlgov-errors-are-problem-details"] = d => Operation(d, "/holds", "get")["responses"]!["401"]!["content"] =
            new JsonObject { ["application/json"] = new JsonObject() },
        ["nlgov-problem-members"] = d => Problem(d)["properties"]!.AsObject().Remove("detail"),
        ["nlgov-invalid-input-documented"] = d => Operation(d, "/offerings/{offeringId}/holds", "post")["responses"]!.AsObject().Remove("400"),
        ["nlgov-properties-camel-case"] = d => Problem(d)["properties"]!["Trace_Id"] = new JsonObject { ["type"] = "string" },
        ["nlgov-date-time-has-timezone"] = d => Problem(d)["properties"]!["moment"] = new JsonObject { ["type"] = "string", ["format"] = "date-time-local" },
        ["nlgov-time-is-local"] = d => Problem(d)["properties"]!["at"] = new JsonObject { ["type"] = "string", ["format"] = "time" },
        ["nlgov-date-fields-have-a-format"] = d => Problem(d)["properties"]!["startDate"] = new JsonObject { ["type"] = "string" },
        ["nlgov-date-fields-are-dates"] = d => Problem(d)["properties"]!["endDate"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        ["nlgov-semantic-version"] = d => Info(d)["version"] = "1.0",
        ["nlgov-openapi-json-is-a-resource"] = d => d["paths"]!.AsObject().Remove("/openapi.json"),
        ["nlgov-openapi-json-allows-any-origin"] = d => Operation(d, "/openapi.json", "get")["responses"]!["200"]!["headers"]!.AsObject().Remove("Access-Control-Allow-Origin"),
        ["nlgov-servers-present"] = d => d.Remove("servers"),
        ["matchmaker-operation-ids"] = d => Operation(d, "/me", "get").Remove("operationId"),
        ["matchmaker-problems-carry-a-code"] = d => Problem(d)["properties"]!.AsObject().Remove("code"),
        ["matchmaker-operations-are-secured"] = d => Operation(d, "/holds", "get").Remove("security"),
    };

    [Fact]
    public async Task TheOpenApiDocument_PassesTheNlApiDesignRulesLinter_WithNoErrors()
    {
        var findings = (await LintAsync([await DocumentAsync()]))[0];

        foreach (var finding in findings) output.WriteLine(finding.ToString());
        Assert.DoesNotContain(findings, f => f.Severity == 0);
    }

    [Fact]
    public void EveryRuleOfTheRuleset_HasABrokenCopyToCatch()
    {
        var rules = RuleName().Matches(File.ReadAllText(Ruleset)).Select(m => m.Groups[1].Value).Order().ToList();

        Assert.Equal(rules, Breaks.Keys.Order().ToList());
    }

    [Fact]
    public async Task EveryRule_CatchesTheCopyBrokenForIt()
    {
        var document = await DocumentAsync();
        var copies = Breaks.Select(rule =>
        {
            var copy = JsonNode.Parse(document)!.AsObject();
            rule.Value(copy);
            return copy.ToJsonString();
        }).ToList();

        var findings = await LintAsync(copies);

        var missed = Breaks.Keys.Zip(findings).Where(pair => !pair.Second.Any(f => f.Code == pair.First)).Select(pair => pair.First).ToList();
        Assert.True(missed.Count == 0, $"not caught: {string.Join(", ", missed)}");
    }

    private sealed record Finding(string Code, int Severity, string Message, string Path);

    private static JsonObject Info(JsonObject document) => document["info"]!.AsObject();

    private static JsonObject Operation(JsonObject document, string path, string method) => document["paths"]![path]![method]!.AsObject();

    private static JsonObject Problem(JsonObject document) => document["components"]!["schemas"]!["Problem"]!.AsObject();

    private static void Rename(JsonObject document, string from, string to)
    {
        var paths = document["paths"]!.AsObject();
        var item = paths[from]!;
        paths.Remove(from);
        paths[to] = item;
    }

    private async Task<string> DocumentAsync() => await (await markets.ForAsync("sqlite")).App.CreateClient().GetStringAsync("/api/v1/openapi.json");

    /// <summary>Lints the documents in one run of the linter; the findings of each, in the order given.</summary>
    private static async Task<List<List<Finding>>> LintAsync(IReadOnlyList<string> documents)
    {
        var spectral = Environment.GetEnvironmentVariable("MATCHMAKER_SPECTRAL") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("MATCHMAKER_SPECTRAL does not name the Spectral linter; run the tests with ./test.sh, which installs it.");
        var folder = Directory.CreateTempSubdirectory("matchmaker-openapi-").FullName;
        var files = documents.Select((_, i) => Path.Combine(folder, $"document-{i:000}.json")).ToList();
        for (var i = 0; i < documents.Count; i++) await File.WriteAllTextAsync(files[i], documents[i]);
        try
        {
            var start = new ProcessStartInfo(spectral) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "lint", "--ruleset", Ruleset, "--format", "json", "--quiet", "--fail-severity", "error", "--ignore-unknown-format" })
                start.ArgumentList.Add(argument);
            foreach (var file in files) start.ArgumentList.Add(file);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = (await stdout).Trim();
            if (!text.StartsWith('['))
                throw new InvalidOperationException($"Spectral did not lint (exit {process.ExitCode}): {text} {await stderr}");
            var all = JsonDocument.Parse(text).RootElement.EnumerateArray().Select(f => (Source: Path.GetFullPath(f.GetProperty("source").GetString()!),
                Finding: new Finding(f.GetProperty("code").GetString()!, f.GetProperty("severity").GetInt32(), f.GetProperty("message").GetString()!,
                    string.Join('.', f.GetProperty("path").EnumerateArray().Select(p => p.ToString()))))).ToList();
            return files.Select(file => all.Where(f => f.Source == Path.GetFullPath(file)).Select(f => f.Finding).ToList()).ToList();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"^  ([A-Za-z0-9][A-Za-z0-9-]*):", RegexOptions.Multiline)]
    private static partial Regex RuleName();
}
