using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Demo;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Hosting;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Matchmaker.Tests.Grains;

/// <summary>
/// One in-process Orleans cluster (two silos) on a database with the small demo market, shared by the grain tests;
/// each test uses fresh children (and so fresh request grains) and says which offering it uses. The regions' timers
/// are slowed down: the tests tick a region themselves. The grain tests run on both databases: on SQLite in the fast
/// lane, on PostgreSQL with the integration tests.
/// </summary>
public abstract class GrainCluster(string provider) : IAsyncLifetime
{
    public const string Region = "rijnmond";

    public TestDatabase Database { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateSeededAsync(provider);
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["ConnectionStrings:Matchmaker"] = Database.ConnectionString,
            ["Demo:Enabled"] = "true",
            ["Demo:Scale"] = "small",
            ["Engine:TimerSeconds"] = "3600",
        };
        // The grain tests take places from the whole market for the region's children: its policy allows every place,
        // so a hold needs no reason here (the policy rule has tests of its own).
        await Database.ExecuteAsync("UPDATE regions SET allow_out_of_region = true, allow_non_contracted = true WHERE code = @Region", new { Region });

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Services.AddMatchmakerEngineServices();
        });
        // Grains follow their callers between the two silos, as on a cluster of nodes.
        builder.ConfigureSilo((_, silo) => silo.UseInMemoryReminderService().AddCallerLocality());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }

    public static readonly Actor Desk = new(Guid.Parse("00000000-0000-0000-0000-00000000d35c"), "api-client", "desk", Region, null);

    public async Task<Actor> ProviderOfAsync(Guid offeringId)
    {
        await using var connection = await Database.Database.OpenAsync();
        var providerId = await connection.ExecuteScalarAsync<Guid>("SELECT provider_id FROM offerings WHERE id = @offeringId", new { offeringId });
        return new Actor(Guid.NewGuid(), "api-client", "provider", null, providerId);
    }

    /// <summary>The n-th non-secure offering of the market (tests take different ones), set through its grain to exactly so many free units.</summary>
    public async Task<OfferingState> OfferingWithFreeUnitsAsync(int nth, int free)
    {
        await using var connection = await Database.Database.OpenAsync();
        var id = await connection.ExecuteScalarAsync<Guid>(
            "SELECT id FROM offerings WHERE secure = false AND care_type <> 'secure' ORDER BY id LIMIT 1 OFFSET @nth", new { nth });
        var offering = Grains.GetGrain<IOfferingGrain>(id);
        var now = await connection.QuerySingleAsync<(int Occupied, int Held)>(
            "SELECT occupied_units AS Occupied, held_units AS Held FROM offerings WHERE id = @id", new { id });
        return await offering.SetCapacity(await ProviderOfAsync(id), now.Occupied + now.Held + free, now.Occupied, null);
    }

    /// <summary>
    /// So many offerings of the most common kind of care, from the end of the list (other tests take theirs from the
    /// start), opened up to every child: any age and gender, no specialism, and free units.
    /// </summary>
    public async Task<List<Guid>> AlikeOfferingsAsync(int count, int free)
    {
        await using var connection = await Database.Database.OpenAsync();
        var ids = (await connection.QueryAsync<Guid>("""
            SELECT id FROM offerings
            WHERE secure = false AND care_type = (SELECT care_type FROM offerings WHERE secure = false GROUP BY care_type ORDER BY count(*) DESC, care_type LIMIT 1)
            ORDER BY id DESC LIMIT @count
            """, new { count })).ToList();
        foreach (var id in ids)
            await connection.ExecuteAsync("""
                UPDATE offerings SET min_age = 0, max_age = 18, genders = 'f,m,x', specialisms = '',
                       total_units = occupied_units + held_units + @free, version = version + 1
                WHERE id = @id
                """, new { id, free });
        return ids;
    }

    /// <summary>Registers an open request of the region for a child that fits the offering in every rule.</summary>
    public async Task<Guid> ChildForAsync(Guid offeringId, string? siblingGroup = null, int maxDistanceKm = 50)
    {
        await using var connection = await Database.Database.OpenAsync();
        var place = await connection.QuerySingleAsync<(string CareType, int MinAge, int MaxAge, string Genders, double Lat, double Lon)>("""
            SELECT o.care_type AS CareType, o.min_age AS MinAge, o.max_age AS MaxAge, o.genders AS Genders, l.lat AS Lat, l.lon AS Lon
            FROM offerings o JOIN locations l ON l.id = o.location_id WHERE o.id = @offeringId
            """, new { offeringId });
        var id = Guid.NewGuid();
        var age = Math.Clamp(10, place.MinAge, place.MaxAge);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await connection.ExecuteAsync("""
            INSERT INTO requests (id, region_code, case_reference, measure_type, measure_start, urgency, care_type, needs, needs_secure,
                                  birth_month, gender, home_pc4, home_lat, home_lon, max_distance_km, sibling_group, status, registered_at, version)
            VALUES (@id, @Region, @reference, 'ots', @measureStart, 'urgent', @CareType, '', false,
                    @birthMonth, @gender, '3011', @Lat, @Lon, @maxDistanceKm, @siblingGroup, 'open', @now, 1)
            """, new
        {
            id, Region, reference = $"GRN-{id:N}"[..20], measureStart = today.AddDays(-30), place.CareType,
            birthMonth = new DateOnly(today.Year - age - 1, today.Month, 1), gender = place.Genders.Split(',')[0], place.Lat, place.Lon, maxDistanceKm,
            siblingGroup,
            now = DateTimeOffset.UtcNow,
        });
        return id;
    }

    public Task<HoldPlaced[]> HoldAsync(Guid requestId, Guid offeringId, IdempotentRequest? idempotency = null, bool parallel = false) =>
        Grains.PlaceHoldAsync(Desk, requestId, offeringId, null, idempotency, parallel);

    public Task<T> ScalarAsync<T>(string sql, object? parameters = null) => Database.ScalarAsync<T>(sql, parameters);

    public Task ExecuteAsync(string sql, object? parameters = null) => Database.ExecuteAsync(sql, parameters);
}

public sealed class SqliteGrainCluster() : GrainCluster("sqlite");

public sealed class PostgresGrainCluster() : GrainCluster("postgres");

[CollectionDefinition(Name)]
public sealed class SqliteGrainClusterCollection : ICollectionFixture<SqliteGrainCluster>
{
    public const string Name = "grain cluster on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresGrainClusterCollection : ICollectionFixture<PostgresGrainCluster>
{
    public const string Name = "grain cluster on PostgreSQL";
}
