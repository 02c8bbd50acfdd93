using Dapper;
using Matchmaker.Silo.Figures;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Retention;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Retention;

/// <summary>A clock the test sets: the retention run reads time only from it.</summary>
public sealed class SetClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// A copy of the seeded demo market, a clock at the real present (the demo market was seeded around it), and the
/// region's retention with the default options; children and audit entries added with small builders.
/// </summary>
public sealed class RetentionScenario : IAsyncDisposable
{
    public const string Region = "rijnmond";

    public required TestDatabase Db { get; init; }
    public required SetClock Clock { get; init; }
    public required RegionRetention Retention { get; init; }
    public required string OtherRegion { get; init; }
    public DateTimeOffset Now => Clock.Now;

    public static async Task<RetentionScenario> StartAsync(string provider)
    {
        var db = await TestDatabase.CreateSeededAsync(provider);
        var clock = new SetClock(new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
        var other = await db.ScalarAsync<string>("SELECT code FROM regions WHERE code <> @Region ORDER BY code LIMIT 1", new { Region });
        return new RetentionScenario
        {
            Db = db, Clock = clock, OtherRegion = other,
            Retention = new RegionRetention(db.Database, new Journal(db.Database, clock), RetentionOptions.Default, clock),
        };
    }

    /// <summary>The builders over a database someone else owns (a shared grain cluster's), with the clock at the present.</summary>
    public static RetentionScenario Over(TestDatabase db)
    {
        var clock = new SetClock(DateTimeOffset.UtcNow);
        return new RetentionScenario
        {
            Db = db, Clock = clock, OtherRegion = "",
            Retention = new RegionRetention(db.Database, new Journal(db.Database, clock), RetentionOptions.Default, clock),
        };
    }

    public sealed class Child
    {
        public Guid Id { get; init; }
        public string CaseReference { get; init; } = "";
        public string Status { get; init; } = "";
        public string CareType { get; init; } = "";
        public string Urgency { get; init; } = "";
        public string MeasureType { get; init; } = "";
        public DateOnly MeasureStart { get; init; }
        public DateOnly BirthMonth { get; init; }
        public string Gender { get; init; } = "";
        public string Needs { get; init; } = "";
        public string HomePc4 { get; init; } = "";
        public double HomeLat { get; init; }
        public double HomeLon { get; init; }
        public string? SiblingGroup { get; init; }
        public string ChildWishes { get; init; } = "";
        public string ParentWishes { get; init; } = "";
        public string? EscalationReason { get; init; }
        public DateTimeOffset? EscalatedAt { get; init; }
        public Guid? CaseworkerId { get; init; }
        public Guid? MunicipalityId { get; init; }
        public DateTimeOffset RegisteredAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public DateTimeOffset? ReducedAt { get; init; }
        public long Version { get; init; }
    }

    /// <summary>A child of <paramref name="region"/> closed so many months ago (open when null), with wishes, an escalation
    /// reason, a declined hold with a note, and its audit entries as the grains write them.</summary>
    public async Task<Guid> ChildAsync(string region, int? closedMonthsAgo, string status = "placed")
    {
        var id = Guid.NewGuid();
        var municipality = await Db.ScalarAsync<Guid>("SELECT id FROM municipalities WHERE region_code = @region ORDER BY name LIMIT 1", new { region });
        var closedAt = closedMonthsAgo is { } months ? Now.AddMonths(-months) : (DateTimeOffset?)null;
        var registeredAt = (closedAt ?? Now).AddMonths(-4);
        var caseReference = $"GI-{id.ToString()[..8]}";
        await Db.ExecuteAsync("""
            INSERT INTO requests (id, region_code, case_reference, measure_type, measure_start, urgency, care_type, needs, needs_secure,
                                  birth_month, gender, home_pc4, home_lat, home_lon, max_distance_km, sibling_group, child_wishes,
                                  parent_wishes, status, registered_at, closed_at, created_by, version, caseworker_id, escalated_at,
                                  escalation_reason, municipality_id)
            VALUES (@id, @region, @caseReference, 'ots', @measureStart, 'urgent', 'residential', 'trauma,lvb', @no,
                    @birthMonth, 'f', '3011', 51.9201, 4.4812, 40, @group, 'Wil bij haar broer Jan wonen',
                    'Moeder wil haar elke week zien', @status, @registeredAt, @closedAt, NULL, 3, @caseworker, @registeredAt,
                    'Geen plek in de regio voor Anna', @municipality)
            """, new
        {
            id, region, caseReference, measureStart = DateOnly.FromDateTime(registeredAt.UtcDateTime), no = false,
            birthMonth = new DateOnly(Now.Year - 12, 5, 1), group = $"fam-{id.ToString()[..6]}",
            status = closedAt is null ? "open" : status, registeredAt, closedAt, caseworker = Guid.NewGuid(), municipality,
        });
        var offering = await Db.ScalarAsync<Guid>("SELECT id FROM offerings ORDER BY id LIMIT 1");
        var hold = Guid.NewGuid();
        await Db.ExecuteAsync("""
            INSERT INTO holds (id, region_code, request_id, offering_id, status, created_at, expires_at, answered_at, decline_reason, decline_note)
            VALUES (@hold, @region, @id, @offering, 'declined', @registeredAt, @registeredAt, @registeredAt, 'no-capacity', 'Anna past niet in de groep')
            """, new { hold, region, id, offering, registeredAt });
        await AuditAsync(region, registeredAt, "request-registered", "request", id.ToString(), caseReference);
        await AuditAsync(region, registeredAt, "request-read", "request", id.ToString(), $"{caseReference} (desk)");
        await AuditAsync(region, registeredAt, "request-escalated", "request", id.ToString(), "network zuid: Geen plek in de regio voor Anna");
        await AuditAsync(region, registeredAt, "hold-placed", "hold", hold.ToString(),
            $"request {caseReference} on offering {offering}; outside the region's policy, because: dicht bij oma");
        await AuditAsync(region, registeredAt, "hold-declined", "hold", hold.ToString(), "no-capacity: Anna past niet in de groep");
        await AuditAsync(region, registeredAt, "siblings-split", "request", id.ToString(), $"group fam-{id.ToString()[..6]}: Jan gaat naar de voogd");
        return id;
    }

    public async Task AuditAsync(string? region, DateTimeOffset at, string action, string subjectType, string? subjectId, string? detail)
    {
        await using var connection = await Db.Database.OpenAsync();
        await Journal.Append(connection, null, Actor.System with { RegionCode = region }, action, subjectType, subjectId, region, detail, at);
    }

    public async Task<Child> ReadAsync(Guid id) => (await Db.QueryAsync<Child>("""
        SELECT id AS Id, case_reference AS CaseReference, status AS Status, care_type AS CareType, urgency AS Urgency, measure_type AS MeasureType,
               measure_start AS MeasureStart, birth_month AS BirthMonth, gender AS Gender, needs AS Needs, home_pc4 AS HomePc4,
               home_lat AS HomeLat, home_lon AS HomeLon, sibling_group AS SiblingGroup, child_wishes AS ChildWishes, parent_wishes AS ParentWishes,
               escalation_reason AS EscalationReason, escalated_at AS EscalatedAt, caseworker_id AS CaseworkerId, municipality_id AS MunicipalityId,
               registered_at AS RegisteredAt, closed_at AS ClosedAt, reduced_at AS ReducedAt, version AS Version
        FROM requests WHERE id = @id
        """, new { id })).Single();

    /// <summary>Everything the audit log says about the child and its holds, one line per entry.</summary>
    public async Task<List<string>> AuditOfAsync(Guid id) => (await Db.QueryAsync<string>("""
        SELECT action || ' | ' || coalesce(detail, '') FROM audit_log
        WHERE (subject_type = 'request' AND subject_id = @subject)
           OR (subject_type = 'hold' AND subject_id IN (SELECT CAST(h.id AS TEXT) FROM holds h WHERE h.request_id = @id))
        ORDER BY id
        """, new { subject = id.ToString(), id })).ToList();

    public async Task<List<string>> HoldNotesOfAsync(Guid id) => (await Db.QueryAsync<string>(
        "SELECT decline_reason || ' | ' || coalesce(decline_note, '') || ' | ' || coalesce(sibling_group, '') FROM holds WHERE request_id = @id ORDER BY id",
        new { id })).ToList();

    public async Task<string> ShortageFiguresAsync(string region) =>
        System.Text.Json.JsonSerializer.Serialize((await Publication().ComputeAsync()).Regions.Single(figures => figures.RegionCode == region));

    /// <summary>The figures of every region and the national tables, computed now from this scenario's database and clock.</summary>
    public FiguresPublication Publication() => new(Db.Database, Clock);

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
