using System.Net.Http.Json;
using System.Text.Json;
using Matchmaker.Tests.Market;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Security;

/// <summary>
/// Fresh things to knock on, all in the scenario's region and of its demo provider: each call that would use one up
/// (a hold accepted, a request withdrawn) gets its own, made through the API by the region's desk and provider systems.
/// </summary>
public sealed class Doors(MarketScenario market, MarketScenario.OfferingFacts offering)
{
    private int _children;
    private Guid? _round;

    /// <summary>How the case references of these doors' children begin (<c>DOOR-</c>, then a tag of their own: doors of tests sharing a market never collide).</summary>
    public string Prefix { get; } = $"DOOR-{Guid.NewGuid():N}"[..13] + "-";

    public MarketScenario Market => market;
    public Guid Offering => offering.Id;

    public static async Task<Doors> OpenAsync(MarketScenario market) => new(market, await market.OfferingWithFreeUnitsAsync(free: 400));

    public object NewChild() => MarketScenario.ChildFor(offering, $"{Prefix}{Interlocked.Increment(ref _children):0000}");

    public Task<Guid> NewRequestAsync() => market.RegisterAsync(NewChild());

    private Guid? _whatIfRun;

    /// <summary>A stored what-if run of the region (2 gezinshuis places bought), made once as its municipality would.</summary>
    public async Task<Guid> WhatIfRunAsync() => _whatIfRun ??= (await market.App.Services.GetRequiredService<Silo.Figures.WhatIfRuns>()
        .PurchaseAsync(MarketScenario.Region, null, new("gezinshuis", 2, "all", null, []))).RunId;

    /// <summary>Two waiting siblings; returns the first one's request (its group is <c>GROUP-</c>, these doors' prefix and a number).</summary>
    public async Task<(Guid First, string Group)> NewSiblingGroupAsync()
    {
        var group = $"GROUP-{Prefix}{Interlocked.Increment(ref _children):0000}";
        var first = await market.RegisterAsync(MarketScenario.ChildFor(offering, $"{Prefix}{Interlocked.Increment(ref _children):0000}", siblingGroup: group));
        await market.RegisterAsync(MarketScenario.ChildFor(offering, $"{Prefix}{Interlocked.Increment(ref _children):0000}", siblingGroup: group));
        return (first, group);
    }

    /// <summary>A waiting child the region's desk escalated to its expertise network.</summary>
    public async Task<Guid> NewEscalatedRequestAsync()
    {
        var requestId = await NewRequestAsync();
        (await market.Desk.PostAsJsonAsync($"/api/v1/regions/{MarketScenario.Region}/requests/{requestId}/escalation",
            new { reason = "Geen passende plek in de regio" })).EnsureSuccessStatusCode();
        return requestId;
    }

    /// <summary>A waiting child filed by the region's demo caseworker (the one the matrix signs in).</summary>
    public async Task<Guid> NewCaseworkersChildAsync()
    {
        var requestId = await NewRequestAsync();
        await using var connection = await market.Database.Database.OpenAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, """
            UPDATE requests SET caseworker_id = (SELECT id FROM users WHERE email = @email) WHERE id = @requestId
            """, new { email = Silo.Demo.DemoDataGenerator.DemoEmail(Silo.Access.Roles.Caseworker, MarketScenario.Region), requestId });
        return requestId;
    }

    public async Task<Guid> NewHoldAsync()
    {
        var requestId = await NewRequestAsync();
        var hold = await market.Desk.PostAsJsonAsync($"/api/v1/offerings/{offering.Id}/holds", new { requestId });
        hold.EnsureSuccessStatusCode();
        return (await hold.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("holdId").GetGuid();
    }

    public async Task<Guid> NewPlacementAsync()
    {
        var accepted = await market.Provider.PostAsJsonAsync($"/api/v1/holds/{await NewHoldAsync()}/accept", new { startDate = MarketScenario.InDays(1) });
        accepted.EnsureSuccessStatusCode();
        return (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("placements")[0].GetGuid();
    }

    public async Task<Guid> RoundAsync()
    {
        if (_round is { } round) return round;
        var response = await market.Desk.PostAsync($"/api/v1/regions/{MarketScenario.Region}/matching-rounds", null);
        response.EnsureSuccessStatusCode();
        return (_round = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()).Value;
    }

    /// <summary>A webhook subscription of the scenario region's desk; its oldest goes first when the desk has the most it may have.</summary>
    public async Task<Guid> NewWebhookAsync()
    {
        var existing = await market.Desk.GetFromJsonAsync<JsonElement>("/api/v1/webhooks");
        if (existing.GetArrayLength() >= Silo.Webhooks.WebhookSubscriptions.MaxPerOwner)
            (await market.Desk.DeleteAsync($"/api/v1/webhooks/{existing[0].GetProperty("id").GetGuid()}")).EnsureSuccessStatusCode();
        var created = await market.Desk.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example/desk" });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<object> SameCapacityFeedAsync()
    {
        var facts = await market.FactsAsync(offering.Id);
        return new { offerings = new[] { new { offeringId = offering.Id, totalUnits = facts.TotalUnits, occupiedUnits = facts.OccupiedUnits } } };
    }

    public async Task<object> SameCapacityAsync()
    {
        var facts = await market.FactsAsync(offering.Id);
        return new { totalUnits = facts.TotalUnits, occupiedUnits = facts.OccupiedUnits };
    }
}
