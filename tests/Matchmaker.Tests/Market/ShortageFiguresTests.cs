using System.Net;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Market;

public sealed class ShortageFiguresTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMunicipality_GetsAggregatesOnly_AsCsv_WithSmallCountsMasked(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await using var app = new MatchmakerWebFactory(test);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsDemoAsync(client, "rijnmond", "municipality");

        var page = await client.GetAsync("/gemeente");
        var csv = await client.GetStringAsync("/gemeente?handler=Csv");
        var deskPage = await client.GetAsync("/tafel");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("onderdeel;zorgvorm;kenmerk;aantal", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("wachtend;", StringComparison.Ordinal) && l.Contains(";totaal;"));
        Assert.Contains(lines, l => l.StartsWith("trend;", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l =>
        {
            var count = l.Split(';')[3];
            Assert.True(count is "< 5" or "-" || (int.TryParse(count, out var n) && (n == 0 || n >= 5 || l.Contains("mediaan") || l.StartsWith("vrij;", StringComparison.Ordinal))),
                $"a count between 1 and 4 is shown: {l}");
        });
        Assert.DoesNotContain("RIJ-", csv);
        Assert.Equal(HttpStatusCode.Redirect, deskPage.StatusCode);
    }
}
