using System.Text.Json.Nodes;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Api;

/// <summary>
/// docs/openapi.json is the document the code serves, byte for byte in meaning: vendors read it and the tests' generated
/// client is built from it, so it may never drift. It is written by this test (MATCHMAKER_UPDATE_OPENAPI=1), not by hand.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class OpenApiDocumentTests(SharedMarket markets)
{
    public static string CommittedPath => Path.Combine(WebNode.RepositoryRoot(), "docs", "openapi.json");

    [Fact]
    public async Task TheCommittedDocument_IsTheOneTheCodeServes()
    {
        var served = JsonNode.Parse(await (await markets.ForAsync("sqlite")).App.CreateClient().GetStringAsync("/api/v1/openapi.json"))!;
        var text = served.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("MATCHMAKER_UPDATE_OPENAPI") == "1") await File.WriteAllTextAsync(CommittedPath, text);

        var committed = File.Exists(CommittedPath) ? JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath)) : null;

        Assert.True(JsonNode.DeepEquals(served, committed),
            "docs/openapi.json differs from the document the API serves: run MATCHMAKER_UPDATE_OPENAPI=1 ./test.sh --filter OpenApiDocumentTests and commit it.");
    }

    [Fact]
    public void EveryProblemCode_IsExplainedInTheIntegrationGuide()
    {
        var guide = File.ReadAllText(Path.Combine(WebNode.RepositoryRoot(), "docs", "integration.md"));

        Assert.DoesNotContain(Web.Api.ProblemCodes.All, code => !guide.Contains($"| `{code}` |"));
    }
}
