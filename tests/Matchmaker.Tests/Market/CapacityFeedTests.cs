using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>A provider's own system feeds the figures of all its offerings in one call; each row stands or falls on its own.</summary>
[Trait(Lane.Name, Lane.Integration)]
[Collection(MarketFormsCollection.Name)]
public sealed class CapacityFeedTests(SharedMarket markets)
{
    private const string Feed = "/api/v1/providers/me/capacity";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AFeedOfFortyOfferings_AppliesExactlyTheValidRows_AndSaysWhyEachOtherRowWasRefused(string provider)
    {
        var market = await markets.ForAsync(provider);
        var held = await market.OfferingWithFreeUnitsAsync(free: 2);
        var requestId = await market.RegisterAsync(MarketScenario.ChildFor(held, "FEED-0001"));
        (await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{held.Id}/holds", new { requestId })).EnsureSuccessStatusCode();
        var offerings = await FortyOfferingsAsync(market, held.Id);
        var otherProviders = await market.OfferingWithFreeUnitsAsync(free: 1, market.OtherProvider);
        var before = await VersionsAsync(market);

        var rows = new List<object>();
        for (var i = 0; i < 30; i++) rows.Add(new { offeringId = offerings[i], totalUnits = 20 + i, occupiedUnits = i % 7 });
        rows.Add(new { offeringId = offerings[30], totalUnits = -1, occupiedUnits = 0 });
        rows.Add(new { offeringId = offerings[31], totalUnits = 2, occupiedUnits = 3 });
        rows.Add(new { offeringId = offerings[32], totalUnits = 5, occupiedUnits = 0, earliestStart = "0001-01-01" });
        rows.Add(new { offeringId = held.Id, totalUnits = held.OccupiedUnits, occupiedUnits = held.OccupiedUnits });
        rows.Add(new { offeringId = offerings[34], totalUnits = 9, occupiedUnits = 1 });
        rows.Add(new { offeringId = offerings[34], totalUnits = 8, occupiedUnits = 1 });
        rows.Add(new { offeringId = Guid.NewGuid(), totalUnits = 5, occupiedUnits = 0 });
        rows.Add(new { offeringId = otherProviders.Id, totalUnits = 5, occupiedUnits = 0 });
        var response = await market.Provider.PutAsJsonAsync(Feed, new { offerings = rows });
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var reasons = result.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("reason").GetString() ?? "accepted").ToList();
        var after = await VersionsAsync(market);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(30, result.GetProperty("accepted").GetInt32());
        Assert.Equal(8, result.GetProperty("refused").GetInt32());
        Assert.Equal([.. Enumerable.Repeat("accepted", 30), "invalid", "invalid", "invalid", "held-units", "duplicate", "duplicate", "unknown-offering", "unknown-offering"], reasons);
        for (var i = 0; i < 30; i++)
        {
            var facts = await market.FactsAsync(offerings[i]);
            Assert.Equal((20 + i, i % 7), (facts.TotalUnits, facts.OccupiedUnits));
        }
        foreach (var untouched in offerings.Skip(30).Append(otherProviders.Id))
            Assert.Equal(before[untouched], after[untouched]);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AFeedRacingSixtyFourHolds_NeverDoubleBooks(string provider)
    {
        var market = await markets.ForAsync(provider);
        var offering = await market.OfferingWithFreeUnitsAsync(free: 24);
        var children = new List<Guid>();
        for (var i = 0; i < 64; i++)
            children.Add(await market.RegisterAsync(MarketScenario.ChildFor(offering, $"RACE-{i:00}")));

        var holds = children.Select(requestId => market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId })).ToList();
        var feeds = Enumerable.Range(0, 16).Select(i => market.Provider.PutAsJsonAsync(Feed, new
        {
            offerings = new[] { new { offeringId = offering.Id, totalUnits = offering.OccupiedUnits + (i % 2 == 0 ? 40 : 12), occupiedUnits = offering.OccupiedUnits } },
        })).ToList();
        var holdAnswers = await Task.WhenAll(holds);
        var feedAnswers = await Task.WhenAll(feeds);
        var facts = await market.FactsAsync(offering.Id);
        var active = await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE offering_id = @Id AND status = 'active'", new { offering.Id });

        Assert.All(feedAnswers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.All(holdAnswers, answer => Assert.Contains(answer.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(holdAnswers.Count(a => a.StatusCode == HttpStatusCode.Created), active);
        Assert.Equal(active, facts.HeldUnits);
        Assert.True(facts.OccupiedUnits + facts.HeldUnits <= facts.TotalUnits);
    }

    /// <summary>The demo provider's offerings, topped up to forty (copies of the first), the held one at index 33.</summary>
    private static async Task<List<Guid>> FortyOfferingsAsync(MarketScenario market, Guid held)
    {
        await using var connection = await market.Database.Database.OpenAsync();
        var providerId = await connection.ExecuteScalarAsync<Guid>("SELECT provider_id FROM offerings WHERE id = @held", new { held });
        var ids = (await connection.QueryAsync<Guid>("SELECT id FROM offerings WHERE provider_id = @providerId AND id <> @held ORDER BY id",
            new { providerId, held })).ToList();
        while (ids.Count < 39)
        {
            var id = Guid.NewGuid();
            await connection.ExecuteAsync("""
                INSERT INTO offerings (id, location_id, provider_id, care_type, subtype, min_age, max_age, genders, secure, specialisms,
                                       total_units, occupied_units, held_units, earliest_start, last_confirmed_at, version)
                SELECT @id, location_id, provider_id, care_type, subtype, min_age, max_age, genders, secure, specialisms,
                       total_units, occupied_units, 0, earliest_start, last_confirmed_at, 1
                FROM offerings WHERE id = @template
                """, new { id, template = ids[0] });
            ids.Add(id);
        }
        ids = ids.Take(39).ToList();
        ids.Insert(33, held);
        return ids;
    }

    private static async Task<Dictionary<Guid, long>> VersionsAsync(MarketScenario market)
    {
        await using var connection = await market.Database.Database.OpenAsync();
        return (await connection.QueryAsync<(Guid Id, long Version)>("SELECT id, version FROM offerings")).ToDictionary(r => r.Id, r => r.Version);
    }
}
