using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Xunit.Abstractions;

namespace Matchmaker.Tests.Api;

/// <summary>
/// The OpenAPI document passes the project's Spectral ruleset for the NL API Design Rules (lint/) with 0 errors, and
/// the linter does catch a document that breaks a rule. <c>MATCHMAKER_SPECTRAL</c> names the linter (./test.sh installs it).
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class ApiLintTests(ITestOutputHelper output, SharedMarket markets)
{
    private static string Ruleset => Path.Combine(WebNode.RepositoryRoot(), "lint", "nl-api-design-rules.yaml");

    [Fact]
    public async Task TheOpenApiDocument_PassesTheNlApiDesignRulesLinter_WithNoErrors()
    {
        var findings = await LintAsync(await DocumentAsync());

        foreach (var finding in findings) output.WriteLine(finding.ToString());
        Assert.DoesNotContain(findings, f => f.Severity == 0);
    }

    [Fact]
    public async Task ADocumentWithoutItsOwnPath_OrWithAPathInCamelCase_FailsTheLinter()
    {
        var document = JsonNode.Parse(await DocumentAsync())!.AsObject();
        var paths = document["paths"]!.AsObject();
        paths.Remove("/openapi.json");
        paths["/matchingRounds"] = paths["/me"]!.DeepClone();

        var errors = (await LintAsync(document.ToJsonString())).Where(f => f.Severity == 0).Select(f => f.Code).Order().ToList();

        Assert.Equal(["nlgov-openapi-json-is-a-resource", "nlgov-paths-kebab-case"], errors);
    }

    private sealed record Finding(string Code, int Severity, string Message, string Path);

    private async Task<string> DocumentAsync() => await (await markets.ForAsync("sqlite")).App.CreateClient().GetStringAsync("/api/v1/openapi.json");

    private static async Task<List<Finding>> LintAsync(string document)
    {
        var spectral = Environment.GetEnvironmentVariable("MATCHMAKER_SPECTRAL") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("MATCHMAKER_SPECTRAL does not name the Spectral linter; run the tests with ./test.sh, which installs it.");
        var file = Path.Combine(Path.GetTempPath(), $"matchmaker-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document);
        try
        {
            var start = new ProcessStartInfo(spectral) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "lint", "--ruleset", Ruleset, "--format", "json", "--quiet", "--fail-severity", "error", file })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = (await stdout).Trim();
            if (!text.StartsWith('['))
                throw new InvalidOperationException($"Spectral did not lint (exit {process.ExitCode}): {text} {await stderr}");
            return JsonDocument.Parse(text).RootElement.EnumerateArray().Select(f => new Finding(f.GetProperty("code").GetString()!,
                f.GetProperty("severity").GetInt32(), f.GetProperty("message").GetString()!,
                string.Join('.', f.GetProperty("path").EnumerateArray().Select(p => p.ToString())))).ToList();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
