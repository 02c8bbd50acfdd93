using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Demo;
using Matchmaker.Silo.Grains;
using Microsoft.Extensions.DependencyInjection;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>
/// The web app on a fresh test database with the small demo market (in process, or real nodes), and API clients for
/// the demo desk and demo provider systems of two regions; builders for an offering with free units and a child that fits it.
/// </summary>
public sealed class MarketScenario : IAsyncDisposable
{
    public const string Region = "rijnmond";
    public const string OtherRegion = "haaglanden";

    private readonly MatchmakerWebFactory? _app;
    private readonly Func<string, HttpClient> _clientFor;
    private readonly bool _ownsDatabase;

    public TestDatabase Database { get; }
    public MatchmakerWebFactory App => _app ?? throw new InvalidOperationException("This scenario runs on real nodes, not in process.");
    public HttpClient Desk { get; }
    public HttpClient Provider { get; }
    public HttpClient OtherDesk { get; }
    public HttpClient OtherProvider { get; }

    private MarketScenario(TestDatabase database, MatchmakerWebFactory? app, Func<string, HttpClient> clientFor, bool ownsDatabase)
    {
        Database = database;
        _app = app;
        _clientFor = clientFor;
        _ownsDatabase = ownsDatabase;
        Desk = Client(DemoDataGenerator.DemoToken(Roles.Desk, Region));
        Provider = Client(DemoDataGenerator.DemoToken(Roles.Provider, Region));
        OtherDesk = Client(DemoDataGenerator.DemoToken(Roles.Desk, OtherRegion));
        OtherProvider = Client(DemoDataGenerator.DemoToken(Roles.Provider, OtherRegion));
    }

    /// <summary>
    /// The app in process on a fresh copy of the seeded demo market. Its offerings are handed out fresh
    /// (<see cref="OfferingWithFreeUnitsAsync"/>), so it can be shared by the tests of a class (<see cref="SharedMarket"/>).
    /// </summary>
    public static async Task<MarketScenario> StartAsync(string provider, bool loopbackHooks = true)
    {
        var database = await TestDatabase.CreateSeededAsync(provider);
        var app = new MatchmakerWebFactory(database, loopbackHooks: loopbackHooks);
        var scenario = new MarketScenario(database, app, token =>
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }, ownsDatabase: true) { _freshOfferings = true };
        (await scenario.Desk.GetAsync("/readyz")).EnsureSuccessStatusCode();
        scenario._seededRegions = await database.QueryAsync<RegionSettings>(SelectRegionSettings);
        return scenario;
    }

    /// <summary>The same builders against a running node; the caller owns the node and the database.</summary>
    public static MarketScenario On(TestDatabase database, WebNode node) => new(database, null, node.Client, ownsDatabase: false);

    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The grain of the scenario's region: its tick expires holds and reconciles, as its timer does.</summary>
    public IRegionGrain RegionGrain => Grains.GetGrain<IRegionGrain>(Region);

    public HttpClient Client(string token) => _clientFor(token);

    /// <summary>A date this many days from today (yyyy-MM-dd): start and end dates must lie near today.</summary>
    public static string InDays(int days) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days).ToString("yyyy-MM-dd");

    public sealed class OfferingFacts
    {
        public Guid Id { get; init; }
        public string CareType { get; init; } = "";
        public int MinAge { get; init; }
        public int MaxAge { get; init; }
        public string Genders { get; init; } = "";
        public string Specialisms { get; init; } = "";
        public int TotalUnits { get; init; }
        public int OccupiedUnits { get; init; }
        public int HeldUnits { get; init; }
        public double Lat { get; init; }
        public double Lon { get; init; }
        public long Version { get; init; }
    }

    /// <summary>
    /// A non-secure offering of the region's demo provider (the first one), set through the API to exactly
    /// <paramref name="free"/> free units. In a scenario started in process (<see cref="StartAsync"/>) each call hands out a
    /// fresh one, so tests sharing the scenario never share an offering: a copy of that first offering as seeded (same
    /// location, care, ages, genders, specialisms and contracts), which takes its place in the market; the first one
    /// itself keeps no free units from then on, nor do the offerings of earlier tests (<see cref="BeginTestAsync"/>).
    /// </summary>
    public async Task<OfferingFacts> OfferingWithFreeUnitsAsync(int free, HttpClient? provider = null)
    {
        provider ??= Provider;
        var me = await provider.GetFromJsonAsync<Me>("/api/v1/me");
        var offering = _freshOfferings ? await FreshOfferingAsync(me!.OrganisationId!.Value, provider) : await OfferingAsync(me!.OrganisationId!.Value);
        var response = await provider.PutAsJsonAsync($"/api/v1/offerings/{offering.Id}/capacity",
            new { totalUnits = offering.OccupiedUnits + offering.HeldUnits + free, occupiedUnits = offering.OccupiedUnits });
        response.EnsureSuccessStatusCode();
        return await FactsAsync(offering.Id);
    }

    private bool _freshOfferings;
    private readonly Dictionary<Guid, Guid> _firstOfferings = [];
    private readonly List<(Guid Offering, HttpClient Provider)> _handedOut = [];
    private IReadOnlyList<RegionSettings> _seededRegions = [];

    private async Task<OfferingFacts> FreshOfferingAsync(Guid providerId, HttpClient provider)
    {
        if (!_firstOfferings.TryGetValue(providerId, out var first))
        {
            first = (await OfferingAsync(providerId)).Id;
            _firstOfferings[providerId] = first;
            await CloseAsync(first, provider);
        }
        var id = Guid.NewGuid();
        await using (var connection = await Database.Database.OpenAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO offerings (id, location_id, provider_id, care_type, subtype, min_age, max_age, genders, secure, specialisms,
                                       total_units, occupied_units, held_units, earliest_start, last_confirmed_at, version)
                SELECT @id, location_id, provider_id, care_type, subtype, min_age, max_age, genders, secure, specialisms,
                       occupied_units, occupied_units, 0, earliest_start, last_confirmed_at, 1
                FROM offerings WHERE id = @first
                """, new { id, first });
            await connection.ExecuteAsync("""
                INSERT INTO contracts (region_code, offering_id, budget_ceiling_reached, valid_from)
                SELECT region_code, @id, budget_ceiling_reached, valid_from FROM contracts WHERE offering_id = @first
                """, new { id, first });
        }
        _handedOut.Add((id, provider));
        return await FactsAsync(id);
    }

    /// <summary>The provider closes the offering's free units, through the API as its system would (a unit held or occupied stays).</summary>
    private async Task CloseAsync(Guid offeringId, HttpClient provider)
    {
        var facts = await FactsAsync(offeringId);
        if (facts.TotalUnits == facts.OccupiedUnits + facts.HeldUnits) return;
        (await provider.PutAsJsonAsync($"/api/v1/offerings/{offeringId}/capacity",
            new { totalUnits = facts.OccupiedUnits + facts.HeldUnits, occupiedUnits = facts.OccupiedUnits })).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Before each test of a shared scenario: what earlier tests changed beyond their own children and offerings is put
    /// back. Their offerings keep no free units (so they compete with no later test's), the regions' policies are as
    /// seeded, and no system has a webhook subscription.
    /// </summary>
    public async Task BeginTestAsync()
    {
        foreach (var (offering, provider) in _handedOut) await CloseAsync(offering, provider);
        _handedOut.Clear();
        var now = await Database.QueryAsync<RegionSettings>(SelectRegionSettings);
        foreach (var region in _seededRegions.Except(now))
            await ExecuteAsync("""
                UPDATE regions SET hold_hours = @HoldHours, max_parallel_holds = @MaxParallelHolds, allow_out_of_region = @AllowOutOfRegion,
                                   allow_non_contracted = @AllowNonContracted, scheduled_matching = @ScheduledMatching
                WHERE code = @Code
                """, region);
        foreach (var system in new[] { Desk, Provider, OtherDesk, OtherProvider })
            foreach (var webhook in (await system.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/webhooks")).EnumerateArray())
                (await system.DeleteAsync($"/api/v1/webhooks/{webhook.GetProperty("id").GetGuid()}")).EnsureSuccessStatusCode();
    }

    private sealed record RegionSettings
    {
        public string Code { get; init; } = "";
        public int HoldHours { get; init; }
        public int MaxParallelHolds { get; init; }
        public bool AllowOutOfRegion { get; init; }
        public bool AllowNonContracted { get; init; }
        public bool ScheduledMatching { get; init; }
    }

    private const string SelectRegionSettings = """
        SELECT code AS Code, hold_hours AS HoldHours, max_parallel_holds AS MaxParallelHolds, allow_out_of_region AS AllowOutOfRegion,
               allow_non_contracted AS AllowNonContracted, scheduled_matching AS ScheduledMatching
        FROM regions ORDER BY code
        """;

    /// <summary>
    /// The region no longer contracts this offering and buys only what it contracts, so the place is outside its policy;
    /// the offering's version moves, as every change of its row must, so its grain reads it again.
    /// </summary>
    public async Task OutsidePolicyAsync(Guid offeringId)
    {
        await ExecuteAsync("UPDATE regions SET allow_out_of_region = false, allow_non_contracted = false WHERE code = @Region", new { Region });
        await ExecuteAsync("DELETE FROM contracts WHERE offering_id = @offeringId AND region_code = @Region", new { offeringId, Region });
        await ExecuteAsync("UPDATE offerings SET version = version + 1 WHERE id = @offeringId", new { offeringId });
    }

    public async Task<OfferingFacts> FactsAsync(Guid offeringId)
    {
        await using var connection = await Database.Database.OpenAsync();
        return await connection.QuerySingleAsync<OfferingFacts>(SelectFacts + " WHERE o.id = @offeringId", new { offeringId });
    }

    private async Task<OfferingFacts> OfferingAsync(Guid providerId)
    {
        await using var connection = await Database.Database.OpenAsync();
        // A place within its region's purchasing policy: in the region and contracted by it (places outside it need a reason to be held),
        // in the provider's home region first: the scenario's desk is the one of the region whose demo provider this is.
        return await connection.QueryFirstAsync<OfferingFacts>(SelectFacts + """
             WHERE o.provider_id = @providerId AND o.secure = false
               AND EXISTS (SELECT 1 FROM contracts c JOIN municipalities m ON m.id = l.municipality_id
                           WHERE c.offering_id = o.id AND c.region_code = m.region_code AND c.budget_ceiling_reached = false)
             ORDER BY CASE WHEN (SELECT h.region_code FROM municipalities h WHERE h.id = l.municipality_id)
                              = (SELECT p.region_code FROM organisations p WHERE p.id = o.provider_id) THEN 0 ELSE 1 END, o.id
            """, new { providerId });
    }

    private const string SelectFacts = """
        SELECT o.id AS Id, o.care_type AS CareType, o.min_age AS MinAge, o.max_age AS MaxAge, o.genders AS Genders, o.specialisms AS Specialisms,
               o.total_units AS TotalUnits, o.occupied_units AS OccupiedUnits, o.held_units AS HeldUnits, l.lat AS Lat, l.lon AS Lon, o.version AS Version
        FROM offerings o JOIN locations l ON l.id = o.location_id
        """;

    /// <summary>A request body for a child who fits this offering in every rule.</summary>
    public static object ChildFor(OfferingFacts offering, string caseReference, string? siblingGroup = null, string urgency = "urgent",
        int maxDistanceKm = 50)
    {
        var age = AgeFor(offering);
        var birth = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-age).AddMonths(-1);
        return new
        {
            caseReference,
            measureType = "ots",
            measureStart = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-30).ToString("yyyy-MM-dd"),
            urgency,
            careType = offering.CareType,
            needs = Array.Empty<string>(),
            needsSecure = false,
            birthMonth = birth.ToString("yyyy-MM"),
            gender = offering.Genders.Split(',')[0],
            homePc4 = "3011",
            homeLat = Math.Clamp(offering.Lat, 50.6, 53.7),
            homeLon = Math.Clamp(offering.Lon, 3.3, 7.2),
            maxDistanceKm,
            siblingGroup,
            childWishes = "Dicht bij school",
            parentWishes = "",
        };
    }

    /// <summary>The age of the child <see cref="ChildFor"/> registers for this offering.</summary>
    public static int AgeFor(OfferingFacts offering) => Math.Min(offering.MaxAge, Math.Max(offering.MinAge, 10));

    public async Task<Guid> RegisterAsync(object child, HttpClient? desk = null, string region = Region)
    {
        var response = await (desk ?? Desk).PostAsJsonAsync($"/api/v1/regions/{region}/requests", child);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<Created>();
        return created!.Id;
    }

    public Task<T> ScalarAsync<T>(string sql, object? parameters = null) => Database.ScalarAsync<T>(sql, parameters);

    public Task ExecuteAsync(string sql, object? parameters = null) => Database.ExecuteAsync(sql, parameters);

    public sealed record Me(Guid Id, string Kind, string Name, string Role, string? RegionCode, Guid? OrganisationId);

    public sealed record Created(Guid Id);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_ownsDatabase) await Database.DisposeAsync();
    }
}
