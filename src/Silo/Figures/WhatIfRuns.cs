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
/// provider's answer) with places the region could buy or contract, on the input frozen for the day
/// (<see cref="WhatIfInputs"/>). Only changes are published, under <see cref="WhatIfDisclosure"/>: extra children placed
/// (in all, per priority, past each norm) as exact counts where the children they are about are 0 or five or more,
/// waiting days and distances only as rounded averages over five or more. A run is stored with its inputs, the policy
/// versions and exactly what was published, so reading it back or exporting it later shows the same figures.
/// Runs go through the <see cref="HeavyLane"/>: the same question on the same day gets the run already stored (nothing
/// computed, nothing stored again; the input is the same, so the answer would be too), a municipality has one run
/// computing at a time, and a region stores at most <see cref="FiguresOptions.WhatIfRunsPerRegionPerDay"/> runs a day.
/// </summary>
public sealed class WhatIfRuns(Database database, HeavyLane lane, WhatIfInputs inputs, FiguresOptions options, TimeProvider clock)
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

    /// <param name="InputDay">the day whose frozen input the run computed on ("Stand van"); null for runs stored before inputs were frozen</param>
    /// <param name="InputFrozenAt">when that input was frozen</param>
    /// <param name="DisclosureVersion">the publication rule (<see cref="WhatIfDisclosure.Version"/>); null before it</param>
    public sealed record Run(Guid Id, string RegionCode, string Kind, DateTimeOffset CreatedAt, string PolicyVersion, long SolveMillis,
        string Description, ChangeFigures? Change, IReadOnlyList<SweepLine>? Sweep, DateOnly? InputDay, DateTimeOffset? InputFrozenAt, string? DisclosureVersion);

    /// <summary>
    /// What a purchase changes for the waiting children (<see cref="WhatIfDisclosure"/>). Negative changes are shown with
    /// their sign; a hidden count is about fewer than five children; <paramref name="ExtraPlacedByPriority"/> is null when
    /// a priority class of the children who could take the places has one to four; the averages are null below five children.
    /// </summary>
    public sealed record ChangeFigures(SignedCount ExtraPlaced, IReadOnlyList<SignedCount>? ExtraPlacedByPriority, IReadOnlyList<SignedCount> FewerPastNorm,
        int? AverageWaitingDaysOfExtraPlaced, double? AverageDistanceBeforeKm, double? AverageDistanceAfterKm);

    /// <summary>One care type's sweep: extra children placed after buying 1, 2, … places (all hidden when fewer than five children could take them).</summary>
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
        public int FreeUnits { get; set; }
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
        return await RunAsync(regionCode, userId, "contract", new ContractInput(option.Id), () => RunContractAsync(regionCode, userId, option), cancellationToken);
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
    /// The question (kind and inputs) on the day's frozen input: the run stored for it today (on any node), or a new run if
    /// the lane admits the caller and the region has runs left today.
    /// </summary>
    private async Task<WhatIfAnswer> RunAsync(string regionCode, Guid? userId, string kind, object question, Func<Task<Guid?>> run,
        CancellationToken cancellationToken)
    {
        var asked = JsonSerializer.Serialize(question, Json);
        if (await StoredAsync(regionCode, kind, asked) is { } stored) return WhatIfAnswer.Stored(stored);
        var key = $"what-if/{regionCode}/{kind}/{asked}/{Today:yyyyMMdd}";
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

    /// <summary>The run stored today for the same question under the same rules, if any: replayed, never recomputed.</summary>
    private async Task<Guid?> StoredAsync(string regionCode, string kind, string asked)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<RunRow>("""
            SELECT id AS Id, region_code AS RegionCode, kind AS Kind, created_at AS CreatedAt, policy_version AS PolicyVersion,
                   solve_millis AS SolveMillis, result AS Result
            FROM what_if_runs
            WHERE region_code = @regionCode AND kind = @kind AND inputs = @asked AND created_at >= @dayStart AND policy_version = @policyVersion
            ORDER BY created_at, id
            """, new { regionCode, kind, asked, dayStart = DayStart, policyVersion = PriorityPolicy.Version });
        return rows.Select(r => r.ToRun()).FirstOrDefault(r => r.InputDay == Today && r.DisclosureVersion == WhatIfDisclosure.Version)?.Id;
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
        (string Name, double Lat, double Lon) spot;
        await using (var connection = await database.OpenAsync())
            spot = await SpotAsync(connection, regionCode, input.Place);
        var frozen = await inputs.TodaysAsync(regionCode);
        var clockwork = Stopwatch.StartNew();
        var purchase = new Purchase(input.CareType, input.Units, band.MinAge, band.MaxAge, input.Specialisms, spot.Lat, spot.Lon);
        var comparison = WhatIf.Buy(frozen.Instance, purchase, regionCode, frozen.Day);
        var candidates = WhatIf.CandidatesFor(frozen.Instance, WhatIf.PlaceOf(purchase, regionCode), frozen.Day);
        var children = WhatIf.ClassesOf(frozen.Instance, frozen.Day);
        var description = $"{input.Units} {(input.Units == 1 ? "plek" : "plekken")} {CareTypes.DutchName(input.CareType)} inkopen, {band.Label}, in {spot.Name}"
            + (input.Specialisms.Count == 0 ? ", zonder specialisme" : $", met {string.Join(", ", input.Specialisms.Select(Specialisms.DutchName))}");
        return await StoreAsync(regionCode, userId, "purchase", input, frozen, description,
            earlier => (Publish(comparison, candidates, Decide(candidates, earlier, children)), null), clockwork.ElapsedMilliseconds);
    }

    private async Task<Guid?> RunContractAsync(string regionCode, Guid? userId, ContractOption option)
    {
        var frozen = await inputs.TodaysAsync(regionCode);
        var clockwork = Stopwatch.StartNew();
        // The options come from the same frozen input (ContractOptionsAsync), so the place is in it.
        var comparison = WhatIf.Contract(frozen.Instance, option.Id.ToString(), regionCode, frozen.Day);
        var place = frozen.Instance.Places.Single(p => p.Id == option.Id.ToString());
        var candidates = WhatIf.CandidatesFor(frozen.Instance, WhatIf.Contracted(place, regionCode), frozen.Day);
        var children = WhatIf.ClassesOf(frozen.Instance, frozen.Day);
        var description = $"{option.ProviderName}, {option.LocationName} ({option.Municipality}) contracteren: {CareTypes.DutchName(option.CareType)}, {option.FreeUnits} vrij";
        return await StoreAsync(regionCode, userId, "contract", new ContractInput(option.Id), frozen, description,
            earlier => (Publish(comparison, candidates, Decide(candidates, earlier, children)), null), clockwork.ElapsedMilliseconds);
    }

    private async Task<Guid?> RunSweepAsync(string regionCode, Guid? userId)
    {
        (string Name, double Lat, double Lon) spot;
        await using (var connection = await database.OpenAsync())
            spot = await SpotAsync(connection, regionCode, null);
        var frozen = await inputs.TodaysAsync(regionCode);
        var clockwork = Stopwatch.StartNew();
        var (careTypes, placeFor) = SweepPlaces(frozen.Instance, spot);
        // Every row's candidates are positions in the whole frozen input (WhatIf.Sweep), as the earlier runs' are.
        var rows = WhatIf.Sweep(frozen.Instance, careTypes, placeFor, regionCode, frozen.Day, SweepSteps);
        var children = WhatIf.ClassesOf(frozen.Instance, frozen.Day);
        var description = $"Waarde van 1 tot {SweepSteps} extra plekken per zorgvorm, in {spot.Name}, passend bij de zorgbehoeften van de wachtende kinderen";
        return await StoreAsync(regionCode, userId, "sweep", new { steps = SweepSteps }, frozen, description, earlier =>
        {
            // Each line is audited against the runs before it and the lines of this sweep before it (lines publish counts only).
            var published = earlier?.ToList();
            var lines = new List<SweepLine>();
            foreach (var row in rows)
            {
                var shown = Decide(row.Candidates, published, children).Counts;
                if (shown) published!.Add(new PublishedGroup(row.Candidates.Members, false, Publication.Nothing.PastNorm));
                lines.Add(new SweepLine(row.CareType, row.ByUnits.Select(step => Signed(step.AdditionallyPlaced, shown)).ToList()));
            }
            return (null, lines);
        }, clockwork.ElapsedMilliseconds);
    }

    /// <summary>The sweep's care types (those the frozen children wait for) and, per care type, a place at the spot fitting every need of its children.</summary>
    private static (IReadOnlyList<string> CareTypes, Func<string, Purchase> PlaceFor) SweepPlaces(MatchingInstance instance, (string Name, double Lat, double Lon) spot)
    {
        var careTypes = instance.Requests.Select(r => r.CareType).Distinct().OrderBy(CareTypes.DutchName, StringComparer.InvariantCultureIgnoreCase).ToList();
        var needs = instance.Requests.ToLookup(r => r.CareType, r => r.Needs);
        return (careTypes, careType => new Purchase(careType, 1, 0, 23, [.. needs[careType].SelectMany(n => n).Distinct().Order(StringComparer.Ordinal)], spot.Lat, spot.Lon));
    }

    private sealed record ContractInput(Guid OfferingId);

    /// <summary>What a run may publish (<see cref="WhatIfDisclosure.Decide"/>); nothing when the day's earlier runs could not be read.</summary>
    private static Publication Decide(PurchaseCandidates candidates, IReadOnlyList<PublishedGroup>? earlier, IReadOnlyList<ChildClass> children) =>
        earlier is null ? Publication.Nothing : WhatIfDisclosure.Decide(candidates, earlier, children);

    /// <summary>
    /// What every run the region stored today on this input published about its candidates (children who could take the
    /// places): what a new run is audited against (<see cref="WhatIfDisclosure.Decide"/>). The candidates are recomputed
    /// from the stored questions on the frozen input, as positions in the whole input, so no list of children is ever
    /// stored with a run; what each run published is read from its stored figures. Null when a run of today cannot be
    /// read back (an unknown age band, municipality or offering, a broken row): then the new run publishes nothing,
    /// rather than being compared with less than the day published.
    /// </summary>
    private async Task<List<PublishedGroup>?> EarlierPublishedAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        string regionCode, FrozenMarket frozen)
    {
        var groups = new List<PublishedGroup>();
        var runs = await connection.QueryAsync<StoredQuestion>("""
            SELECT kind AS Kind, inputs AS Inputs, result AS Result FROM what_if_runs WHERE region_code = @regionCode AND created_at >= @dayStart
            ORDER BY created_at, id
            """, new { regionCode, dayStart = DayStart }, transaction);
        foreach (var run in runs)
        {
            StoredResult? result;
            try
            {
                result = JsonSerializer.Deserialize<StoredResult>(run.Result, Json);
            }
            catch (JsonException)
            {
                return null;
            }
            if (result is null) return null;
            // A run computed on another day's input (begun before midnight) is about other positions: not comparable.
            if (result.InputDay != frozen.Day) continue;
            var published = await PublishedByAsync(connection, transaction, regionCode, frozen, run, result);
            if (published is null) return null;
            groups.AddRange(published);
        }
        return groups;
    }

    /// <summary>The groups one stored run published (none when its counts were hidden); null when it cannot be read back.</summary>
    private static async Task<IReadOnlyList<PublishedGroup>?> PublishedByAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        string regionCode, FrozenMarket frozen, StoredQuestion run, StoredResult result)
    {
        try
        {
            switch (run.Kind)
            {
                case "purchase":
                {
                    if (JsonSerializer.Deserialize<PurchaseInput>(run.Inputs, Json) is not { } input || input.Specialisms is null
                        || AgeBands.FirstOrDefault(b => b.Code == input.AgeBand) is not { Code: not null } band
                        || input.Units is < 1 or > WhatIf.MaxUnits) return null;
                    Guid? municipality = null;
                    if (!string.IsNullOrEmpty(input.Municipality))
                    {
                        if (!Guid.TryParse(input.Municipality, out var id)) return null;
                        municipality = id;
                    }
                    if (await TrySpotAsync(connection, regionCode, municipality, transaction) is not { } spot) return null;
                    var purchase = new Purchase(input.CareType, input.Units, band.MinAge, band.MaxAge, input.Specialisms, spot.Lat, spot.Lon);
                    return GroupOf(result.Change, WhatIf.CandidatesFor(frozen.Instance, WhatIf.PlaceOf(purchase, regionCode), frozen.Day).Members);
                }
                case "contract":
                {
                    if (JsonSerializer.Deserialize<ContractInput>(run.Inputs, Json) is not { } contract
                        || frozen.Instance.Places.FirstOrDefault(p => p.Id == contract.OfferingId.ToString()) is not { } place) return null;
                    return GroupOf(result.Change, WhatIf.CandidatesFor(frozen.Instance, WhatIf.Contracted(place, regionCode), frozen.Day).Members);
                }
                case "sweep":
                {
                    if (result.Sweep is null || await TrySpotAsync(connection, regionCode, null, transaction) is not { } centre) return null;
                    var (careTypes, placeFor) = SweepPlaces(frozen.Instance, centre);
                    var groups = new List<PublishedGroup>();
                    foreach (var line in result.Sweep)
                    {
                        if (line.ExtraPlaced is null || !careTypes.Contains(line.CareType)) return null;
                        if (line.ExtraPlaced.All(c => c.Count.Hidden)) continue;
                        groups.Add(new PublishedGroup(WhatIf.CandidatesFor(frozen.Instance, WhatIf.PlaceOf(placeFor(line.CareType), regionCode), frozen.Day).Members,
                            false, Publication.Nothing.PastNorm));
                    }
                    return groups;
                }
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>What a purchase or contract published: its candidates with the breakdowns it showed; nothing when its counts were hidden.</summary>
    private static IReadOnlyList<PublishedGroup>? GroupOf(ChangeFigures? change, IReadOnlySet<int> candidates)
    {
        if (change?.FewerPastNorm is not { Count: WhatIfDisclosure.NormCount } pastNorm) return null;
        if (change.ExtraPlaced.Count.Hidden) return [];
        return [new PublishedGroup(candidates, change.ExtraPlacedByPriority is not null, [.. pastNorm.Select(n => !n.Count.Hidden)])];
    }

    private sealed class StoredQuestion
    {
        public string Kind { get; init; } = "";
        public string Inputs { get; init; } = "";
        public string Result { get; init; } = "";
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

    /// <summary>
    /// Places with free units the region has not contracted, of the care types its children wait for, nearest the region's
    /// centre first: from the day's frozen input (freezing it if this is the day's first what-if), so the list, like the
    /// runs, does not move with a registration during the day. Names and spots are read now (they are not about children).
    /// </summary>
    public async Task<IReadOnlyList<ContractOption>> ContractOptionsAsync(string regionCode, int limit = 100)
    {
        var frozen = await inputs.TodaysAsync(regionCode);
        var waitedFor = frozen.Instance.Requests.Select(r => r.CareType).ToHashSet(StringComparer.Ordinal);
        // ContractedBy leaves out contracts with the budget ceiling reached, as for the matcher (MarketRows): the region may contract those again.
        var free = frozen.Instance.Places
            .Where(p => p.Units > 0 && waitedFor.Contains(p.CareType) && !p.ContractedBy.Contains(regionCode) && Guid.TryParse(p.Id, out _))
            .ToDictionary(p => Guid.Parse(p.Id), p => p.Units);
        await using var connection = await database.OpenAsync();
        var centre = await SpotAsync(connection, regionCode, null);
        var offerings = await connection.QueryAsync<ContractOption>("""
            SELECT o.id AS Id, o.care_type AS CareType, p.name AS ProviderName, l.name AS LocationName, m.name AS Municipality,
                   l.lat AS Lat, l.lon AS Lon
            FROM offerings o JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            JOIN municipalities m ON m.id = l.municipality_id
            """);
        return offerings
            .Where(o => free.ContainsKey(o.Id))
            .Select(o => { o.FreeUnits = free[o.Id]; o.DistanceKm = Math.Round(Geo.DistanceKm(centre.Lat, centre.Lon, o.Lat, o.Lon), 1); return o; })
            .OrderBy(o => o.DistanceKm).ThenBy(o => o.Id).Take(limit).ToList();
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Publishes a comparison's changes under <see cref="WhatIfDisclosure"/>: exact counts where the children they are about
    /// (<paramref name="candidates"/>) are 0 or five or more, hidden (stored as 0) otherwise; averages rounded, over five or more.
    /// </summary>
    /// <param name="publication">what <see cref="WhatIfDisclosure.Decide"/> allows, given the day's earlier runs</param>
    private static ChangeFigures Publish(Comparison comparison, PurchaseCandidates candidates, Publication publication)
    {
        var total = publication.Counts;
        return new ChangeFigures(
            Signed(comparison.AdditionallyPlaced, total),
            total && publication.ByPriority ? comparison.AdditionallyPlacedByPriority.Select(p => Signed(p, shown: true)).ToList() : null,
            comparison.PastNormPlaced.Select((n, norm) => Signed(n, total && publication.PastNorm[norm])).ToList(),
            total ? WhatIfDisclosure.AverageWaitingDays(comparison, candidates) : null,
            // Without the purchase: the same on every run of the day (the frozen input), so it depends on no question.
            WhatIfDisclosure.AverageDistanceKm(comparison.Before),
            // With it: moved by the children the purchase places, so only where its counts may be published.
            total ? WhatIfDisclosure.AverageDistanceKm(comparison.After) : null);
    }

    /// <summary>A change as published: its value and sign when shown; hidden, it keeps neither (stored as 0).</summary>
    private static SignedCount Signed(int change, bool shown) =>
        shown ? new SignedCount(change < 0, new ProtectedCount(Math.Abs(change), false)) : new SignedCount(false, new ProtectedCount(0, true));

    /// <summary>The spot as <see cref="SpotAsync"/> gives it; null when the region or municipality is not (or no longer) there.</summary>
    private static async Task<(string Name, double Lat, double Lon)?> TrySpotAsync(System.Data.Common.DbConnection connection, string regionCode, Guid? municipality,
        System.Data.Common.DbTransaction transaction)
    {
        var spot = municipality is null
            ? await connection.QueryFirstOrDefaultAsync<SpotRow>("SELECT name AS Name, lat AS Lat, lon AS Lon FROM regions WHERE code = @regionCode", new { regionCode }, transaction)
            : await connection.QueryFirstOrDefaultAsync<SpotRow>("SELECT name AS Name, lat AS Lat, lon AS Lon FROM municipalities WHERE region_code = @regionCode AND id = @municipality",
                new { regionCode, municipality }, transaction);
        return spot is null ? null : (municipality is null ? $"het midden van {spot.Name}" : spot.Name, spot.Lat, spot.Lon);
    }

    private static async Task<(string Name, double Lat, double Lon)> SpotAsync(System.Data.Common.DbConnection connection, string regionCode, Guid? municipality,
        System.Data.Common.DbTransaction? transaction = null)
    {
        var spot = municipality is null
            ? await connection.QuerySingleAsync<SpotRow>("SELECT name AS Name, lat AS Lat, lon AS Lon FROM regions WHERE code = @regionCode", new { regionCode }, transaction)
            : await connection.QuerySingleAsync<SpotRow>("SELECT name AS Name, lat AS Lat, lon AS Lon FROM municipalities WHERE region_code = @regionCode AND id = @municipality",
                new { regionCode, municipality }, transaction);
        return (municipality is null ? $"het midden van {spot.Name}" : spot.Name, spot.Lat, spot.Lon);
    }

    /// <summary>
    /// Stores a run unless the region has stored its runs for today (then null). On the pool, with a connection of its own:
    /// a write holds SQLite's writer turn (and row locks on PostgreSQL) and must not wait for a lane thread meanwhile.
    /// </summary>
    /// <param name="publish">the figures to publish, given what the runs stored today before this one published (null: they could not be read, publish nothing)</param>
    private Task<Guid?> StoreAsync(string regionCode, Guid? userId, string kind, object question, FrozenMarket frozen, string description,
        Func<IReadOnlyList<PublishedGroup>?, (ChangeFigures? Change, IReadOnlyList<SweepLine>? Sweep)> publish, long solveMillis) => lane.OffLane(async () =>
    {
        var id = Guid.NewGuid();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // Runs of one region are counted, and compared with each other, one writer at a time: SQLite has one writer; on PostgreSQL the region's row is locked.
        if (database.Provider == DatabaseProvider.Postgres)
            await connection.ExecuteAsync("SELECT code FROM regions WHERE code = @regionCode FOR UPDATE", new { regionCode }, transaction);
        if (await connection.ExecuteScalarAsync<int>(CountStoredToday, new { regionCode, dayStart = DayStart }, transaction) >= options.WhatIfRunsPerRegionPerDay)
            return (Guid?)null;
        var (change, sweep) = publish(await EarlierPublishedAsync(connection, transaction, regionCode, frozen));
        var stored = new StoredResult(description, change, sweep, frozen.Day, frozen.FrozenAt, WhatIfDisclosure.Version);
        await connection.ExecuteAsync("""
            INSERT INTO what_if_runs (id, region_code, kind, created_at, created_by, policy_version, solve_millis, inputs, result)
            VALUES (@id, @regionCode, @kind, @createdAt, @userId, @policyVersion, @solveMillis, @inputs, @result)
            """, new
        {
            id, regionCode, kind, createdAt = clock.GetUtcNow(), userId, policyVersion = PriorityPolicy.Version, solveMillis,
            inputs = JsonSerializer.Serialize(question, Json), result = JsonSerializer.Serialize(stored, Json),
        }, transaction);
        await transaction.CommitAsync();
        return id;
    });

    private DateTimeOffset DayStart => new(Today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Until the next day (UTC), when the region's runs count from zero again.</summary>
    private TimeSpan UntilTomorrow => DayStart.AddDays(1) - clock.GetUtcNow();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record StoredResult(string Description, ChangeFigures? Change, IReadOnlyList<SweepLine>? Sweep,
        DateOnly? InputDay = null, DateTimeOffset? InputFrozenAt = null, string? DisclosureVersion = null);

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
            return new Run(Id, RegionCode, Kind, CreatedAt, PolicyVersion, SolveMillis, stored.Description, stored.Change, stored.Sweep,
                stored.InputDay, stored.InputFrozenAt, stored.DisclosureVersion);
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
