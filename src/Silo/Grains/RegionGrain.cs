using System.Text.Json;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Matchmaker.Silo.Grains;

/// <summary>A region's matching rounds and its clock (key: the region code): hold expiry, the reconciler, scheduled rounds.</summary>
public interface IRegionGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Runs the matcher on the region's open requests and the places it may use; stores the round and returns its id.</summary>
    Task<Guid> RunMatchingRound(Actor actor, RoundOptions options);

    /// <summary>
    /// Searches again for one open child of the region (the desk's "zoek opnieuw voor dit kind"): the matcher on the
    /// region's market as it is now, as a round would run it with this child in it even while it waits for an answer.
    /// Nothing is stored or held. Null when the child is not an open request of the desk's region.
    /// </summary>
    Task<ChildSearchResult?> SearchForChild(Actor desk, Guid requestId);

    /// <summary>Makes sure the region's clock runs: a reminder wakes the grain wherever it lives, even after its node died.</summary>
    Task Start();

    /// <summary>
    /// The region's retention (docs/security.md#retention): closed requests reduced, old audit entries removed, the run
    /// audited. The clock runs it every <c>Retention:IntervalHours</c>; also callable to run it at once.
    /// </summary>
    Task<Retention.RetentionRun> RunRetention();

    /// <summary>What the clock does on every tick; also callable to run it at once.</summary>
    Task<RegionTick> Tick();
}

/// <summary>
/// What a desk may ask of a round beyond the default. By default a round remembers: a place whose provider declined a
/// child is not proposed to that child again, and a child waiting for a provider's answer (an active hold) is left out.
/// </summary>
[GenerateSerializer, Immutable, Alias("mm.RoundOptions")]
public sealed record RoundOptions([property: Id(0)] bool ProposeDeclinedAgain, [property: Id(1)] bool AlternativesForHeld)
{
    public static readonly RoundOptions Remembering = new(false, false);
}

/// <summary>
/// A desk's search again for one child: where a round would propose it now (<c>ProposedOffering</c>, or null: nowhere),
/// the matcher's explanation, and its best places with a free unit. <c>OutsidePolicy</c>: null within the region's policy,
/// else <c>other-region</c> or <c>not-contracted</c> (held only deliberately, with a reason).
/// </summary>
[GenerateSerializer, Immutable, Alias("mm.ChildSearchResult")]
public sealed record ChildSearchResult([property: Id(0)] Guid RequestId, [property: Id(1)] string CaseReference, [property: Id(2)] Guid? ProposedOffering,
    [property: Id(3)] string Explanation, [property: Id(4)] IReadOnlyList<ChildSearchResult.Place> Places)
{
    [GenerateSerializer, Immutable, Alias("mm.ChildSearchResult.Place")]
    public sealed record Place([property: Id(0)] Guid OfferingId, [property: Id(1)] string ProviderName, [property: Id(2)] string LocationName,
        [property: Id(3)] string Municipality, [property: Id(4)] double DistanceKm, [property: Id(5)] int FreeUnits, [property: Id(6)] string? OutsidePolicy);
}

[GenerateSerializer, Immutable, Alias("mm.RegionTick")]
public sealed record RegionTick([property: Id(0)] int Expired, [property: Id(1)] int Reconciled, [property: Id(2)] bool RoundRun);

/// <summary>
/// Timer settings: <c>Engine:TimerSeconds</c> (default 10): how often a region expires holds and reconciles;
/// <c>Engine:ScheduledRoundMinutes</c> (default 60); <c>Engine:RegionWakeSeconds</c> (default 60): the reminder
/// that brings a region's grain back on another node after its node died.
/// </summary>
public sealed record EngineOptions(TimeSpan TimerInterval, TimeSpan ScheduledRoundInterval, TimeSpan RegionWakeInterval)
{
    public static EngineOptions FromConfiguration(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Engine:TimerSeconds", 10.0)),
        TimeSpan.FromMinutes(configuration.GetValue("Engine:ScheduledRoundMinutes", 60.0)),
        TimeSpan.FromSeconds(configuration.GetValue("Engine:RegionWakeSeconds", 60.0)));
}

/// <summary>
/// Deadlines live in the database (a hold's expires_at); the timer only wakes the grain to act on them, so a hold that
/// ran out while no node was up expires at the first tick after start. Units change only through the offerings' grains.
/// </summary>
[PreferLocalPlacement]
public sealed class RegionGrain(Database database, Journal journal, EngineOptions options, TimeProvider clock, ILogger<RegionGrain> logger,
    Retention.RetentionOptions retentionOptions, Retention.RegionRetention retention)
    : Grain, IRegionGrain
{
    private const string WakeReminder = "wake";

    private string RegionCode => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(TickOnTimerAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.TimerInterval) { KeepAlive = true, Interleave = false });
        return Task.CompletedTask;
    }

    public async Task Start()
    {
        await EnsureRegionAsync();
        await this.RegisterOrUpdateReminder(WakeReminder, options.RegionWakeInterval, options.RegionWakeInterval);
    }

    // Being activated is all a wake-up needs: activation starts the timer.
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public async Task<RegionTick> Tick()
    {
        var expired = await EndHoldsAsync("""
            SELECT id AS HoldId, offering_id AS OfferingId FROM holds
            WHERE region_code = @regionCode AND status = 'active' AND expires_at <= @now
            ORDER BY expires_at, id LIMIT 500
            """, "expired");
        // A request closed (placed, withdrawn) by a step whose next step never ran still has holds: release them.
        var reconciled = await EndHoldsAsync("""
            SELECT h.id AS HoldId, h.offering_id AS OfferingId FROM holds h JOIN requests r ON r.id = h.request_id
            WHERE h.region_code = @regionCode AND h.status = 'active' AND r.status <> 'open'
            ORDER BY h.id LIMIT 500
            """, "released");
        if (reconciled > 0) logger.LogWarning("Region {Region}: released {Count} hold(s) of closed requests", RegionCode, reconciled);
        var roundRun = false;
        await using (var connection = await database.OpenAsync())
        {
            var schedule = await connection.QuerySingleOrDefaultAsync<Schedule>("""
                SELECT r.scheduled_matching AS ScheduledMatching,
                       (SELECT max(m.created_at) FROM matching_rounds m WHERE m.region_code = r.code) AS LastRound
                FROM regions r WHERE r.code = @regionCode
                """, new { regionCode = RegionCode });
            roundRun = schedule is { ScheduledMatching: true }
                && (schedule.LastRound is null || clock.GetUtcNow() - schedule.LastRound >= options.ScheduledRoundInterval);
        }
        if (roundRun) await RunMatchingRound(Actor.System with { RegionCode = RegionCode }, RoundOptions.Remembering);
        return new RegionTick(expired, reconciled, roundRun);
    }

    public async Task<Guid> RunMatchingRound(Actor actor, RoundOptions options)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var connection = await database.OpenAsync();
        var market = await RegionMarket.LoadAsync(connection, RegionCode, options, today) ?? throw NoSuchRegion();
        var (instance, requests, offerings, held) = (market.Instance, market.Requests, market.Offerings, market.Held);
        var result = Matcher.Solve(instance, ExplanationWords.Dutch);

        var labels = await LabelsAsync(connection);
        var byId = requests.ToDictionary(r => r.Id.ToString());
        var freeUnits = offerings.ToDictionary(o => o.Id, o => o.FreeUnits);
        IReadOnlyList<MatchingRounds.Option> Options(IReadOnlyList<PlaceOption> placeOptions) => placeOptions.Select(o =>
        {
            var label = labels[Guid.Parse(o.Place)];
            return new MatchingRounds.Option(Guid.Parse(o.Place), label.ProviderName, label.LocationName, o.DistanceKm, freeUnits[Guid.Parse(o.Place)],
                o.AllowedByPolicy);
        }).ToList();

        var round = new MatchingRounds.Round(Guid.NewGuid(), RegionCode, now, result.PolicyVersion, result.SolveMillis, result.Objective.AssignedByPriority,
            result.Assignments.Select(a =>
            {
                var request = byId[a.Request];
                var label = labels[Guid.Parse(a.Place)];
                return new MatchingRounds.Proposal(request.Id, request.CaseReference, label.Id, label.ProviderName, label.LocationName, label.Municipality,
                    request.CareType, a.DistanceKm, a.Explanation, Options(a.Options), request.Urgency,
                    PriorityPolicy.WaitingDays(request.MeasureStart, today), request.Needs);
            }).ToList(),
            result.Unassigned.Select(u =>
            {
                var request = byId[u.Request];
                return new MatchingRounds.LeftOut(request.Id, request.CaseReference, request.CareType, u.Reason, u.Explanation, Options(u.Options));
            }).ToList(),
            options.AlternativesForHeld ? [] : held,
            options, result.Objective, result.BestPossible);

        await using var transaction = await database.BeginWriteAsync(connection);
        await connection.ExecuteAsync("""
            INSERT INTO matching_rounds (id, region_code, policy_version, created_at, created_by, requests, placed, solve_millis, result)
            VALUES (@Id, @RegionCode, @PolicyVersion, @CreatedAt, @createdBy, @requests, @placed, @SolveMillis, @result)
            """, new
        {
            round.Id, round.RegionCode, round.PolicyVersion, round.CreatedAt, createdBy = actor.Id, requests = requests.Count,
            placed = round.Proposals.Count, round.SolveMillis, result = JsonSerializer.Serialize(round, Journal.EventJson),
        }, transaction);
        await journal.AuditAsync(connection, transaction, actor, "matching-round-run", "matching-round", round.Id.ToString(), RegionCode,
            $"{requests.Count} open requests, {round.Proposals.Count} proposals");
        await transaction.CommitAsync();
        return round.Id;
    }

    public async Task<ChildSearchResult?> SearchForChild(Actor desk, Guid requestId)
    {
        if (desk.Role != Access.Roles.Desk || desk.RegionCode != RegionCode) return null;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        // Asked again on an unchanged market (a refresh, the page after a refused form, a desk clicking on and on): the
        // same answer without a new solve, so one desk's repeats do not hold up the region's rounds and ticks.
        var version = await Figures.MarketVersion.ReadAsync(database, today);
        if (_searches.TryGetValue(requestId, out var kept) && kept.Version == version) return kept.Result;
        var result = await SearchAsync(requestId, today);
        if (_searches.Count >= KeptSearches) _searches.Clear();
        _searches[requestId] = (version, result);
        return result;
    }

    private const int KeptSearches = 256;
    private readonly Dictionary<Guid, (Figures.MarketVersion Version, ChildSearchResult? Result)> _searches = [];

    private async Task<ChildSearchResult?> SearchAsync(Guid requestId, DateOnly today)
    {
        await using var connection = await database.OpenAsync();
        var market = await RegionMarket.LoadAsync(connection, RegionCode, new RoundOptions(false, AlternativesForHeld: true), today) ?? throw NoSuchRegion();
        var child = requestId.ToString();
        if (market.Requests.FirstOrDefault(r => r.Id == requestId) is not { } request) return null;
        // The other children compete as in a default round: those waiting for an answer keep their hold and stay out.
        var waiting = market.Held.Select(h => h.RequestId.ToString()).ToHashSet();
        var instance = market.Instance with { Requests = [.. market.Instance.Requests.Where(r => r.Id == child || !waiting.Contains(r.Id))] };
        var search = Matcher.SearchFor(instance, child, ExplanationWords.Dutch)!;
        var labels = await LabelsAsync(connection, search.FreePlaces.Select(option => Guid.Parse(option.Place)));
        ChildSearchResult.Place Describe(PlaceOption option)
        {
            var label = labels[Guid.Parse(option.Place)];
            var place = instance.Places.First(p => p.Id == option.Place);
            var broken = Feasibility.BrokenPolicy(instance.Requests.First(r => r.Id == child), place, instance.Policy);
            return new ChildSearchResult.Place(label.Id, label.ProviderName, label.LocationName, label.Municipality, option.DistanceKm, option.FreeUnits,
                broken switch { Feasibility.Rule.Region => "other-region", Feasibility.Rule.Contract => "not-contracted", _ => null });
        }
        return new ChildSearchResult(requestId, request.CaseReference, search.ProposedPlace is { } proposed ? Guid.Parse(proposed) : null,
            search.Explanation, [.. search.FreePlaces.Select(Describe)]);
    }

    /// <summary>The names of a few places (a search's best options): one primary-key read each, not the country's list.</summary>
    private static async Task<Dictionary<Guid, OfferingLabel>> LabelsAsync(System.Data.Common.DbConnection connection, IEnumerable<Guid> offerings)
    {
        var labels = new Dictionary<Guid, OfferingLabel>();
        foreach (var id in offerings.Distinct())
            labels[id] = await connection.QuerySingleAsync<OfferingLabel>($"{SelectLabels} WHERE o.id = @id", new { id });
        return labels;
    }

    private const string SelectLabels = """
        SELECT o.id AS Id, p.name AS ProviderName, l.name AS LocationName, m.name AS Municipality
        FROM offerings o JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
        JOIN municipalities m ON m.id = l.municipality_id
        """;

    private static async Task<Dictionary<Guid, OfferingLabel>> LabelsAsync(System.Data.Common.DbConnection connection) =>
        (await connection.QueryAsync<OfferingLabel>(SelectLabels)).ToDictionary(l => l.Id);

    public async Task<Retention.RetentionRun> RunRetention()
    {
        await EnsureRegionAsync();
        return await retention.RunAsync(RegionCode);
    }

    private async Task TickOnTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            var tick = await Tick();
            if (tick.Expired > 0) logger.LogInformation("Region {Region}: released {Count} expired hold(s)", RegionCode, tick.Expired);
            // The last run's time lives in the audit log (its retention-run entry): a run missed while no node was up
            // happens at the first tick after start.
            if (retentionOptions.Enabled && await retention.IsDueAsync(RegionCode))
            {
                var run = await retention.RunAsync(RegionCode);
                logger.LogInformation("Region {Region}: retention reduced {Requests} closed request(s), removed {Entries} audit entr(ies)",
                    RegionCode, run.RequestsReduced, run.AuditEntriesRemoved);
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OrleansException or TimeoutException or MarketRuleException)
        {
            logger.LogError(e, "Region {Region}: the tick failed; trying again at the next one", RegionCode);
        }
    }

    /// <summary>Ends the holds the query finds (at most 500 a tick), offering by offering through their grains.</summary>
    private async Task<int> EndHoldsAsync(string sql, string status)
    {
        List<HoldAt> due;
        await using (var connection = await database.OpenAsync())
            due = (await connection.QueryAsync<HoldAt>(sql, new { regionCode = RegionCode, now = clock.GetUtcNow() })).ToList();
        var ended = 0;
        var actor = Actor.System with { RegionCode = RegionCode };
        foreach (var atOffering in due.GroupBy(h => h.OfferingId).OrderBy(g => g.Key))
            ended += await GrainFactory.GetGrain<IOfferingGrain>(atOffering.Key).EndHolds(actor, [.. atOffering.Select(h => h.HoldId)], status);
        return ended;
    }

    private async Task EnsureRegionAsync()
    {
        await using var connection = await database.OpenAsync();
        if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM regions WHERE code = @regionCode", new { regionCode = RegionCode }) == 0)
            throw NoSuchRegion();
    }

    /// <summary>A grain for a region that does not exist answers 404 and goes away when idle.</summary>
    private MarketRuleException NoSuchRegion()
    {
        this.DeactivateOnIdle();
        return MarketRuleException.NotFound("This region");
    }

    private sealed class Schedule
    {
        public bool ScheduledMatching { get; init; }
        public DateTimeOffset? LastRound { get; init; }
    }

    private sealed class OfferingLabel
    {
        public Guid Id { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Municipality { get; init; } = "";
    }
}
