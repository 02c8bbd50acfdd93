using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;

namespace Matchmaker.Tests.Security;

/// <summary>Every read that shows a case reference or a child's data leaves a record in the audit log (NEN 7513).</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(SecurityCollection.Name)]
public sealed class ReadAuditTests(SharedMarket markets)
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryReadOfAChildsData_LeavesAnAuditRecord_NamingWhoAndWhat(string provider)
    {
        var market = await markets.ForAsync(provider);
        var doors = await Doors.OpenAsync(market);
        var requestId = await doors.NewRequestAsync();
        await doors.NewHoldAsync();
        var roundId = await doors.RoundAsync();
        var desk = await People.SignedInAsync(market, Silo.Access.Roles.Desk, MarketScenario.Region);
        var providerPage = await People.SignedInAsync(market, Silo.Access.Roles.Provider, MarketScenario.Region);
        const string R = $"/api/v1/regions/{MarketScenario.Region}";
        var reads = new (string What, HttpClient Client, string Path, string Action)[]
        {
            ("list of requests", market.Desk, $"{R}/requests", "requests-listed"),
            ("one request", market.Desk, $"{R}/requests/{requestId}", "request-read"),
            ("stored matching round", market.Desk, $"{R}/matching-rounds/{roundId}", "matching-round-read"),
            ("desk's holds", market.Desk, "/api/v1/holds", "holds-listed"),
            ("provider's proposals", market.Provider, "/api/v1/holds", "proposals-read"),
            ("audit log", market.Desk, $"{R}/audit", "audit-read"),
            ("request page", desk, $"/tafel/aanvraag/{requestId}", "request-read"),
            ("matching page", desk, $"/tafel/matching?round={roundId}", "matching-round-read"),
            ("desk board", desk, "/tafel", "requests-listed"),
            ("proposals page", providerPage, "/aanbieder/voorstellen", "proposals-read"),
        };

        var auditedBefore = await market.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM audit_log");
        var unrecorded = new List<string>();
        foreach (var (what, client, path, action) in reads)
        {
            var before = await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = @action", new { action });
            (await client.GetAsync(path)).EnsureSuccessStatusCode();
            // At least one record: a provider's read is recorded once per region its proposals come from.
            if (await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = @action", new { action }) <= before)
                unrecorded.Add($"{what} ({path}) left no '{action}' record");
        }
        var roundRead = await market.Desk.GetFromJsonAsync<JsonElement>($"{R}/audit?limit=20");
        // List entries name the request ids shown, never case references (they would outlive the requests' retention).
        var listed = (await market.Database.QueryAsync<string>("""
            SELECT detail FROM audit_log WHERE action IN ('requests-listed', 'holds-listed', 'matching-round-read') AND id > @before
            """, new { before = auditedBefore })).ToList();

        Assert.Empty(unrecorded);
        Assert.True(listed.Count >= 5);
        // A caseworker's or a network's list (another test's, at the same time) puts its words before the ids.
        Assert.All(listed.Where(detail => detail.Length > 0), detail =>
            Assert.All(detail[(detail.LastIndexOf(": ", StringComparison.Ordinal) + 1)..].Trim().Split(','), id => Assert.True(Guid.TryParse(id, out _), detail)));
        Assert.Contains(roundRead.EnumerateArray(), entry => entry.GetProperty("action").GetString() == "matching-round-read"
            && entry.GetProperty("detail").GetString()!.Contains($"{requestId}")
            && !entry.GetProperty("detail").GetString()!.Contains(doors.Prefix));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheEventFeed_IsAuditedLikeTheReadsItCarries_InTheChildsRegion(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var cursor = await market.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox");
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(offering, "AUDIT-EVENTS-1"));
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        var holdId = (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid().ToString();
        var auditedBefore = await market.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM audit_log");

        var providersFeed = await market.Provider.GetFromJsonAsync<JsonElement>($"/api/v1/events?after={cursor}&limit=500");
        var desksFeed = await market.Desk.GetFromJsonAsync<JsonElement>($"/api/v1/events?after={cursor}&limit=500");
        var entries = await market.Database.QueryAsync<AuditEntry>(
            "SELECT action AS Action, role AS Role, region_code AS RegionCode, detail AS Detail FROM audit_log WHERE id > @auditedBefore",
            new { auditedBefore });

        Assert.Contains(providersFeed.GetProperty("events").EnumerateArray(), e => e.GetProperty("topic").GetString() == "proposalReceived");
        Assert.Contains(entries, e => e.Action == "proposals-read" && e.Role == "provider" && e.RegionCode == MarketScenario.Region
            && e.Detail!.Contains(holdId));
        Assert.Contains(desksFeed.GetProperty("events").EnumerateArray(), e => e.GetProperty("topic").GetString() == "holdChanged");
        Assert.Contains(entries, e => e.Action == "events-read" && e.Role == "desk" && e.RegionCode == MarketScenario.Region && e.Detail!.Contains(holdId));
    }

    private sealed class AuditEntry
    {
        public string Action { get; init; } = "";
        public string? Role { get; init; }
        public string? RegionCode { get; init; }
        public string? Detail { get; init; }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ADesk_ExportsItsRegionsAuditLogForAPeriod_AsCsv_AndTheExportIsRecorded(string provider)
    {
        var market = await markets.ForAsync(provider);
        var exportsBefore = await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'audit-exported'");
        var doors = await Doors.OpenAsync(market);
        await doors.NewHoldAsync();
        const string Export = $"/api/v1/regions/{MarketScenario.Region}/audit/export";

        var csv = await market.Desk.GetAsync($"{Export}?from={MarketScenario.InDays(-1)}&to={MarketScenario.InDays(0)}");
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tooLong = await market.Desk.GetAsync($"{Export}?from={MarketScenario.InDays(-400)}&to={MarketScenario.InDays(0)}");
        var backwards = await market.Desk.GetAsync($"{Export}?from={MarketScenario.InDays(0)}&to={MarketScenario.InDays(-1)}");
        var otherRegion = await market.OtherDesk.GetAsync($"{Export}?from={MarketScenario.InDays(-1)}&to={MarketScenario.InDays(0)}");
        var farFuture = await market.Desk.GetAsync($"{Export}?from=9999-01-01&to=9999-12-31");
        var lastDay = await market.Desk.GetAsync($"{Export}?from=9999-12-31&to=9999-12-31");

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("id;at_utc;actor_id;actor_kind;role", lines[0]);
        Assert.Contains(lines, line => line.Contains(";request-registered;") && line.Contains($"{doors.Prefix}0001"));
        Assert.Contains(lines, line => line.Contains(";hold-placed;"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, otherRegion.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, farFuture.StatusCode);
        Assert.Contains("\"to\"", await farFuture.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, lastDay.StatusCode);
        Assert.Equal(exportsBefore + 1, await market.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'audit-exported'"));
    }
}
