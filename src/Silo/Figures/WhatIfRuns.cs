using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Matching.Disclosure;
using Matchmaker.Matching.Purchasing;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// What-if runs for purchasing: the matcher re-run on the region's waiting children (those not already waiting for a
/// provider's answer) with places the region could buy or contract. Only changes are published, as counts of children
/// under the same small-count rule as the shortage figures; a run is stored with its inputs, the policy version and
/// exactly what was published, so reading it back or exporting it later shows the same figures.
/// Runs go through the <see cref="HeavyLane"/>: the same question on the same market version gets the run already stored
/// (nothing computed, nothing stored again), a municipality has one run computing at a time, and a region stores at most
/// <see cref="FiguresOptions.WhatIfRunsPerRegionPerDay"/> runs a day.
/// </summary>
public sealed class WhatIfRuns(Database database, HeavyLane lane, FiguresOptions options, TimeProvider clock)
{
    public const int SweepSteps = 10;

    /// <summary>How many runs a region may store per day.</summary>
    public int RunsPerDay => options.WhatIfRunsPerRegionPerDay;

    /// <summary>The age bands a purchase can be for (the shortage figures' bands), with their ages.</summary>
    public static readonly IReadOnlyList<(string Code, string Label, int MinAge, int MaxAge)> AgeBands =
    [
        ("all", "alle leeftijden (0 tot en met 23 jaar)", 0, 23),
        ("0-5", "0 tot en met 5 jaar", 0, 5),
        ("6-11", "6 tot en met 11 jaar", 6, 11),
        ("12-17", "12 tot en met 17 jaar", 12, 17),
        ("18+", "18 tot en met 23 jaar", 18, 23),
    ];

    /// <summary>
    /// A purchase as the form gives it: the place is at the chosen municipality (its id as sent, judged here: a value
    /// that is not one of the region's municipalities is refused, never read as the centre), or, when none is given,
    /// the region's centre.
    /// </summary>
    public sealed record PurchaseInput(string CareType, int Units, string AgeBand, string? Municipality, IReadOnlyList<string> Specialisms)
    {
        /// <summary>The municipality's id once <see cref="CheckAsync"/> accepted the input; null for the region's centre.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public Guid? Place => string.IsNullOrEmpty(Municipality) ? null : Guid.Parse(Municipality);
    }

    public sealed record Run(Guid Id, string RegionCode, string Kind, DateTimeOffset CreatedAt, string PolicyVersion, long SolveMillis,
        string Description, ChangeFigures? Change, IReadOnlyList<SweepLine>? Sweep);

    /// <summary>What a purchase changes for the waiting children. Negative changes are shown with their sign.</summary>
    public sealed record ChangeFigures(SignedCount ExtraPlaced, IReadOnlyList<SignedCount>? ExtraPlacedByPriority, IReadOnlyList<SignedCount> FewerPastNorm,
        long? WaitingDaysEnded, double? AverageDistanceBeforeKm, double? AverageDistanceAfterKm);

    /// <summary>One care type's sweep: extra children placed after buying 1, 2, … places.</summary>
    public sealed record SweepLine(string CareType, IReadOnlyList<SignedCount> ExtraPlaced)
    {
        /// <summary>The largest visible effect, for ranking care types: where one more euro helps most.</summary>
        public int RankValue => ExtraPlaced.Where(c => !c.Count.Hidden).Select(c => c.Value).DefaultIfEmpty(0).Max();
    }

    public sealed record Municipality(Guid Id, string Name);

    public sealed class ContractOption
    {
        public Guid Id { get; init; }
        public string CareType { get; init; } = "";
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Municipality { get; init; } = "";
        public int FreeUnits { get; init; }
        public double Lat { get; init; }
        public double Lon { get; init; }
        public double DistanceKm { get; set; }
    }

    /// <summary>
    /// Buys the places on the region's current market, compares, stores the published figures. An input the owner cannot
    /// take is refused field by field (<see cref="WhatIfRule"/>) and runs nothing.
    /// </summary>
    public async Task<WhatIfAnswer> PurchaseAsync(string regionCode, Guid? userId, PurchaseInput input, CancellationToken cancellationToken = default)
    {
        var problems = await CheckAsync(regionCode, input);
        if (problems.Count > 0) return WhatIfAnswer.Refused(problems);
        // One spelling of the id, so the same question finds the same stored run.
        input = input with { Municipality = input.Place?.ToString() };
        return await RunAsync(regionCode, userId, "purchase", input, () => RunPurchaseAsync(regionCode, userId, input), cancellationToken);
    }

    /// <summary>Contracts one of <see cref="ContractOptionsAsync"/>'s offerings on the region's current market; any other offering is refused.</summary>
    public async Task<WhatIfAnswer> ContractAsync(string regionCode, Guid? userId, Guid? offeringId, CancellationToken cancellationToken = default)
    {
        var option = (await ContractOptionsAsync(regionCode)).FirstOrDefault(o => o.Id == offeringId);
        if (option is null) return WhatIfAnswer.Refused([new WhatIfProblem("offering", WhatIfRule.OfferingNotAnOption)]);
        return await RunAsync(regionCode, userId, "contract", new { offeringId = option.Id }, () => RunContractAsync(regionCode, userId, option), cancellationToken);
    }

    /// <summary>For every care type the region's children wait for: 1 to 10 extra places that fit every waiting child's needs, at the region's centre.</summary>
    public Task<WhatIfAnswer> SweepAsync(string regionCode, Guid? userId, CancellationToken cancellationToken = default) =>
        RunAsync(regionCode, userId, "sweep", new { steps = SweepSteps }, () => RunSweepAsync(regionCode, userId), cancellationToken);

    /// <summary>How many runs the region stored today (UTC), against <see cref="FiguresOptions.WhatIfRunsPerRegionPerDay"/>.</summary>
    public async Task<int> StoredTodayAsync(string regionCode)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(CountStoredToday, new { regionCode, dayStart = DayStart });
    }

    private const string CountStoredToday = "SELECT count(*) FROM what_if_runs WHERE region_code = @regionCode AND created_at >= @dayStart";

    /// <summary>
    /// The question (kind and inputs) on the market as it is now: the run stored for it on this market version, or a new
    /// run if the lane admits the caller and the region has runs left today.
    /// </summary>
    private async Task<WhatIfAnswer> RunAsync(string regionCode, Guid? userId, string kind, object inputs, Func<Task<Guid?>> run,
        CancellationToken cancellationToken)
    {
        var version = await MarketVersion.ReadAsync(database, Today, cancellationToken);
        var key = $"what-if/{regionCode}/{kind}/{JsonSerializer.Serialize(inputs, Json)}/{version}";
        if (!lane.Knows(key) && await StoredTodayAsync(regionCode) >= options.WhatIfRunsPerRegionPerDay) return WhatIfAnswer.DailyCapReached(UntilTomorrow);
        var answer = await lane.RunAsync(key, $"user/{userId}", run, cancellationToken);
        return answer switch
        {
            { Status: LaneStatus.Done, Value: { } runId } => WhatIfAnswer.Stored(runId),
            // The region reached its runs for today while this one computed.
            { Status: LaneStatus.Done } => WhatIfAnswer.DailyCapReached(UntilTomorrow),
            { Status: LaneStatus.Running } => new WhatIfAnswer(WhatIfStatus.Computing, Guid.Empty, [], answer.RetryAfter),
            _ => new WhatIfAnswer(WhatIfStatus.Busy, Guid.Empty, [], answer.RetryAfter),
        };
    }

    /// <summary>What is wrong with a purchase, in the order of its fields; empty when it can run.</summary>
    public async Task<IReadOnlyList<WhatIfProblem>> CheckAsync(string regionCode, PurchaseInput input)
    {
        var problems = new List<WhatIfProblem>();
        if (!CareTypes.All.Contains(input.CareType)) problems.Add(new("careType", WhatIfRule.CareTypeUnknown));
        if (input.Units is < 1 or > WhatIf.MaxUnits) problems.Add(new("units", WhatIfRule.UnitsOutOfRange));
        if (!AgeBands.Any(b => b.Code == input.AgeBand)) problems.Add(new("ageBand", WhatIfRule.AgeBandUnknown));
        if (!string.IsNullOrEmpty(input.Municipality)
            && (!Guid.TryParse(input.Municipality, out var municipality) || (await MunicipalitiesAsync(regionCode)).All(m => m.Id != municipality)))
            problems.Add(new("municipality", WhatIfRule.MunicipalityNotInRegion));
        if (input.Specialisms.Any(s => !Specialisms.All.Contains(s))) problems.Add(new("specialisms", WhatIfRule.SpecialismUnknown));
        return problems;
    }

    /// <summary>The municipalities of the region, where a bought place can be (besides the region's centre).</summary>
    public async Task<IReadOnlyList<Municipality>> MunicipalitiesAsync(string regionCode)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Municipality>(
            "SELECT id AS Id, name AS Name FROM municipalities WHERE region_code = @regionCode ORDER BY name", new { regionCode })).ToList();
    }

    private async Task<Guid?> RunPurchaseAsync(string regionCode, Guid? userId, PurchaseInput input)
    {
        var band = AgeBands.Single(b => b.Code == input.AgeBand);
        await using var connection = await database.OpenAsync();
        var spot = await SpotAsync(connection, regionCode, input.Place);
        var today = Today;
        var clockwork = Stopwatch.StartNew();
        var market = await RegionMarket.LoadAsync(connection, regionCode, RoundOptions.Remembering, today) ?? throw new InvalidOperationException("No such region.");
        var comparison = WhatIf.Buy(market.Instance, new Purchase(input.CareType, input.Units, band.MinAge, band.MaxAge, input.Specialisms, spot.Lat, spot.Lon),
            regionCode, today);
        var description = $"{input.Units} {(input.Units == 1 ? "plek" : "plekken")} {CareTypes.DutchName(input.CareType)} inkopen, {band.Label}, in {spot.Name}"
            + (input.Specialisms.Count == 0 ? ", zonder specialisme" : $", met {string.Join(", ", input.Specialisms.Select(Specialisms.DutchName))}");
        return await StoreAsync(regionCode, userId, "purchase", input, description, Publish(comparison), null, clockwork.ElapsedMilliseconds);
    }

    private async Task<Guid?> RunContractAsync(string regionCode, Guid? userId, ContractOption option)
    {
        await using var connection = await database.OpenAsync();
        var today = Today;
        var clockwork = Stopwatch.StartNew();
        var market = await RegionMarket.LoadAsync(connection, regionCode, RoundOptions.Remembering, today) ?? throw new InvalidOperationException("No such region.");
        var comparison = WhatIf.Contract(market.Instance, option.Id.ToString(), regionCode, today);
        var description = $"{option.ProviderName}, {option.LocationName} ({option.Municipality}) contracteren: {CareTypes.DutchName(option.CareType)}, nu {option.FreeUnits} vrij";
        return await StoreAsync(regionCode, userId, "contract", new { offeringId = option.Id }, description, Publish(comparison), null, clockwork.ElapsedMilliseconds);
    }

    private async Task<Guid?> RunSweepAsync(string regionCode, Guid? userId)
    {
        await using var connection = await database.OpenAsync();
        var today = Today;
        var spot = await SpotAsync(connection, regionCode, null);
        var clockwork = Stopwatch.StartNew();
        var market = await RegionMarket.LoadAsync(connection, regionCode, RoundOptions.Remembering, today) ?? throw new InvalidOperationException("No such region.");
        var careTypes = market.Instance.Requests.Select(r => r.CareType).Distinct().OrderBy(CareTypes.DutchName, StringComparer.InvariantCultureIgnoreCase).ToList();
        var needs = market.Instance.Requests.ToLookup(r => r.CareType, r => r.Needs);
        Purchase PlaceFor(string careType) => new(careType, 1, 0, 23, [.. needs[careType].SelectMany(n => n).Distinct().Order(StringComparer.Ordinal)], spot.Lat, spot.Lon);
        var rows = WhatIf.Sweep(market.Instance, careTypes, PlaceFor, regionCode, today, SweepSteps);

        var counts = new SmallCountProtection();
        var cells = rows.Select(row => row.ByUnits.Select(step => counts.Count(Math.Abs(step.AdditionallyPlaced))).ToArray()).ToList();
        var hidden = counts.Protect();
        var lines = rows.Select((row, i) => new SweepLine(row.CareType,
            row.ByUnits.Select((step, k) => new SignedCount(step.AdditionallyPlaced < 0, new ProtectedCount(counts.ValueOf(cells[i][k]), hidden[cells[i][k]]))).ToList())).ToList();
        var description = $"Waarde van 1 tot {SweepSteps} extra plekken per zorgvorm, in {spot.Name}, passend bij de zorgbehoeften van de wachtende kinderen";
        return await StoreAsync(regionCode, userId, "sweep", new { steps = SweepSteps }, description, null, lines, clockwork.ElapsedMilliseconds);
    }

    public async Task<Run?> FindAsync(string regionCode, Guid id)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>("""
            SELECT id AS Id, region_code AS RegionCode, kind AS Kind, created_at AS CreatedAt, policy_version AS PolicyVersion,
                   solve_millis AS SolveMillis, result AS Result
            FROM what_if_runs WHERE region_code = @regionCode AND id = @id
            """, new { regionCode, id });
        return row?.ToRun();
    }

    public async Task<IReadOnlyList<Run>> LatestAsync(string regionCode, int limit = 20)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<RunRow>("""
            SELECT id AS Id, region_code AS RegionCode, kind AS Kind, created_at AS CreatedAt, policy_version AS PolicyVersion,
                   solve_millis AS SolveMillis, result AS Result
            FROM what_if_runs WHERE region_code = @regionCode ORDER BY created_at DESC, id LIMIT @limit
            """, new { regionCode, limit })).Select(r => r.ToRun()).ToList();
    }

    /// <summary>Places with free units the region has not contracted, of the care types its children wait for, nearest the region's centre first.</summary>
    public async Task<IReadOnlyList<ContractOption>> ContractOptionsAsync(string regionCode, int limit = 100)
    {
        await using var connection = await database.OpenAsync();
        var centre = await SpotAsync(connection, regionCode, null);
        // Contracts with the budget ceiling reached do not count, as for the matcher (MarketRows): the region may contract those again.
        var options = await connection.QueryAsync<ContractOption>("""
            SELECT o.id AS Id, o.care_type AS CareType, p.name AS ProviderName, l.name AS LocationName, m.name AS Municipality,
                   o.total_units - o.occupied_units - o.held_units AS FreeUnits, l.lat AS Lat, l.lon AS Lon
            FROM offerings o JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            JOIN municipalities m ON m.id = l.municipality_id
            WHERE o.total_units - o.occupied_units - o.held_units > 0
              AND o.care_type IN (SELECT care_type FROM requests WHERE region_code = @regionCode AND status = 'open')
              AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.offering_id = o.id AND c.region_code = @regionCode AND c.budget_ceiling_reached = false)
            """, new { regionCode });
        return options
            .Select(o => { o.DistanceKm = Math.Round(Geo.DistanceKm(centre.Lat, centre.Lon, o.Lat, o.Lon), 1); return o; })
            .OrderBy(o => o.DistanceKm).ThenBy(o => o.Id).Take(limit).ToList();
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Publishes a comparison's changes: counts of children under the small-count rule; sums and distances only where their count shows.</summary>
    private static ChangeFigures Publish(Comparison comparison)
    {
        var counts = new SmallCountProtection();
        var extra = counts.Count(Math.Abs(comparison.AdditionallyPlaced));
        var byPriority = comparison.AdditionallyPlacedByPriority;
        int[]? priorityCells = null;
        if (comparison.AdditionallyPlaced >= 0 && byPriority.All(p => p >= 0))
        {
            priorityCells = byPriority.Select(counts.Count).ToArray();
            counts.Sum(extra, priorityCells);
        }
        var normCells = comparison.PastNormPlaced.Select(n => counts.Count(Math.Abs(n))).ToArray();
        var hidden = counts.Protect();
        SignedCount Shown(int cell, int signed) => new(signed < 0, new ProtectedCount(counts.ValueOf(cell), hidden[cell]));
        var extraShown = Shown(extra, comparison.AdditionallyPlaced);
        // The placed children's averages are shown only for five or more placed, like the shortage page's medians.
        double? Average(Outcome outcome) => outcome.Placed >= SmallCountProtection.Threshold ? Math.Round(outcome.AverageDistanceKm, 1) : null;
        return new ChangeFigures(extraShown,
            priorityCells?.Select((cell, p) => Shown(cell, byPriority[p])).ToList(),
            normCells.Select((cell, n) => Shown(cell, comparison.PastNormPlaced[n])).ToList(),
            extraShown.Count.Hidden ? null : comparison.WaitingDaysEnded,
            Average(comparison.Before), Average(comparison.After));
    }

    private static async Task<(string Name, double Lat, double Lon)> SpotAsync(System.Data.Common.DbConnection connection, string regionCode, Guid? municipality)
    {
        var spot = municipality is null
            ? await connection.QuerySingleAsync<SpotRow>("SELECT name AS Name, lat AS Lat, lon AS Lon FROM regions WHERE code = @regionCode", new { regionCode })
            : await connection.QuerySingleAsync<SpotRow>("SELECT name AS Name, lat AS Lat, lon AS Lon FROM municipalities WHERE region_code = @regionCode AND id = @municipality",
                new { regionCode, municipality });
        return (municipality is null ? $"het midden van {spot.Name}" : spot.Name, spot.Lat, spot.Lon);
    }

    /// <summary>
    /// Stores a run unless the region has stored its runs for today (then null). On the pool, with a connection of its own:
    /// a write holds SQLite's writer turn (and row locks on PostgreSQL) and must not wait for a lane thread meanwhile.
    /// </summary>
    private Task<Guid?> StoreAsync(string regionCode, Guid? userId, string kind, object inputs, string description,
        ChangeFigures? change, IReadOnlyList<SweepLine>? sweep, long solveMillis) => Task.Run(async () =>
    {
        var id = Guid.NewGuid();
        var stored = new StoredResult(description, change, sweep);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // Runs of one region are counted one writer at a time: SQLite has one writer; on PostgreSQL the region's row is locked.
        if (database.Provider == DatabaseProvider.Postgres)
            await connection.ExecuteAsync("SELECT code FROM regions WHERE code = @regionCode FOR UPDATE", new { regionCode }, transaction);
        if (await connection.ExecuteScalarAsync<int>(CountStoredToday, new { regionCode, dayStart = DayStart }, transaction) >= options.WhatIfRunsPerRegionPerDay)
            return (Guid?)null;
        await connection.ExecuteAsync("""
            INSERT INTO what_if_runs (id, region_code, kind, created_at, created_by, policy_version, solve_millis, inputs, result)
            VALUES (@id, @regionCode, @kind, @createdAt, @userId, @policyVersion, @solveMillis, @inputs, @result)
            """, new
        {
            id, regionCode, kind, createdAt = clock.GetUtcNow(), userId, policyVersion = PriorityPolicy.Version, solveMillis,
            inputs = JsonSerializer.Serialize(inputs, Json), result = JsonSerializer.Serialize(stored, Json),
        }, transaction);
        await transaction.CommitAsync();
        return id;
    });

    private DateTimeOffset DayStart => new(Today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Until the next day (UTC), when the region's runs count from zero again.</summary>
    private TimeSpan UntilTomorrow => DayStart.AddDays(1) - clock.GetUtcNow();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record StoredResult(string Description, ChangeFigures? Change, IReadOnlyList<SweepLine>? Sweep);

    private sealed class SpotRow
    {
        public string Name { get; init; } = "";
        public double Lat { get; init; }
        public double Lon { get; init; }
    }

    private sealed class RunRow
    {
        public Guid Id { get; init; }
        public string RegionCode { get; init; } = "";
        public string Kind { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public string PolicyVersion { get; init; } = "";
        public long SolveMillis { get; init; }
        public string Result { get; init; } = "";

        public Run ToRun()
        {
            var stored = JsonSerializer.Deserialize<StoredResult>(Result, Json)!;
            return new Run(Id, RegionCode, Kind, CreatedAt, PolicyVersion, SolveMillis, stored.Description, stored.Change, stored.Sweep);
        }
    }
}

/// <summary>Why the owner refuses a what-if input; the page says it in Dutch beside the field.</summary>
public enum WhatIfRule { CareTypeUnknown, UnitsOutOfRange, AgeBandUnknown, MunicipalityNotInRegion, SpecialismUnknown, OfferingNotAnOption }

/// <summary>One refused field of a what-if input (the field as the form names it).</summary>
public sealed record WhatIfProblem(string Field, WhatIfRule Rule);

public enum WhatIfStatus
{
    /// <summary>The run is stored (now, or earlier for the same question on the same market version): <c>RunId</c>.</summary>
    Stored,
    /// <summary>The input was refused (<c>Problems</c>); nothing ran.</summary>
    Refused,
    /// <summary>Admitted, but still computing after the wait; it will be among the region's runs.</summary>
    Computing,
    /// <summary>The municipality has a run computing already, or the lane is full: try again after <c>RetryAfter</c>.</summary>
    Busy,
    /// <summary>The region stored its runs for today; <c>RetryAfter</c> runs to midnight (UTC).</summary>
    DailyCapReached,
}

/// <summary>What a what-if request gets: the stored run, the problems of its input, or when to try again.</summary>
public sealed record WhatIfAnswer(WhatIfStatus Status, Guid RunId, IReadOnlyList<WhatIfProblem> Problems, TimeSpan RetryAfter)
{
    public static WhatIfAnswer Stored(Guid runId) => new(WhatIfStatus.Stored, runId, [], TimeSpan.Zero);

    public static WhatIfAnswer Refused(IReadOnlyList<WhatIfProblem> problems) => new(WhatIfStatus.Refused, Guid.Empty, problems, TimeSpan.Zero);

    public static WhatIfAnswer DailyCapReached(TimeSpan retryAfter) => new(WhatIfStatus.DailyCapReached, Guid.Empty, [], retryAfter);
}
