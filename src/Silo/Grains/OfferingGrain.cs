using System.Data.Common;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Offerings;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Matchmaker.Silo.Grains;

/// <summary>
/// One offering's units have one owner. It loads the offering on activation, checks every rule against what it
/// knows, and writes in one transaction (hold or placement rows, audit entry, change log) with the version it
/// knows in the WHERE clause. When that version is stale another activation wrote first (a duplicate during a
/// failover, or a second cluster on the same database): this one reloads, judges again, and deactivates when idle.
/// It answers, and pushes the change to every node, only after the commit.
/// </summary>
[PreferLocalPlacement]
public sealed class OfferingGrain(Database database, Journal journal, LiveFeed feed, TimeProvider clock, ILogger<OfferingGrain> logger)
    : Grain, IOfferingGrain, IFollowsItsCallers
{
    private const int Attempts = 10;

    public CallerRun Callers { get; } = new();

    private MarketRows.OfferingRow? _place;
    private OfferingState? _state;
    private ActiveHolds? _holds;

    private Guid OfferingId => this.GetPrimaryKey();

    /// <summary>An id that names no offering gets "not found", and the grain goes away once idle (not during activation,
    /// which would bounce the call that woke it).</summary>
    private OfferingState State => _state ?? throw NoSuchOffering();

    private MarketRuleException NoSuchOffering()
    {
        this.DeactivateOnIdle();
        return MarketRuleException.NotFound("This offering");
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
    }

    public Task<OfferingState> SetCapacity(Actor provider, int totalUnits, int occupiedUnits, DateOnly? earliestStart) =>
        GuardedAsync(() => SetCapacityAsync(provider, totalUnits, occupiedUnits, earliestStart, knownVersion: null));

    public Task<OfferingState> SetCapacityIfUnchanged(Actor provider, int totalUnits, int occupiedUnits, DateOnly? earliestStart, long knownVersion) =>
        GuardedAsync(() => SetCapacityAsync(provider, totalUnits, occupiedUnits, earliestStart, knownVersion));

    public Task<OfferingState> StepFreeUnits(Actor provider, int step) =>
        GuardedAsync(async () =>
        {
            var state = OwnedBy(provider);
            if (step is not (1 or -1))
                throw MarketRuleException.Invalid("step", "step is +1 (one more unit free) or -1 (one more occupied).");
            var occupied = state.OccupiedUnits - step;
            if (occupied < 0 || occupied + state.HeldUnits > state.TotalUnits)
                throw new MarketRuleException(RuleCode.NoUnitToStep, step > 0
                    ? "No unit can be freed: every unit is already free or held for a proposal."
                    : "No free unit is left to occupy.", "step");
            // A step is relative: two quick clicks are two steps, whatever each browser last read.
            return await WriteAsync("occupied_units = occupied_units - @step, last_confirmed_at = @now", new { step }, (_, _, updated, record) =>
            {
                record.Audit(provider, "capacity-stepped", "offering", OfferingId.ToString(), null,
                    $"{(step > 0 ? "+1 free" : "-1 free")}: total {updated.TotalUnits}, occupied {updated.OccupiedUnits}");
                Availability(record, updated);
                return Task.CompletedTask;
            });
        });

    private async Task<OfferingState> SetCapacityAsync(Actor provider, int totalUnits, int occupiedUnits, DateOnly? earliestStart, long? knownVersion)
    {
        var state = OwnedBy(provider);
        if (knownVersion is { } known && known != state.Version)
            throw new MarketRuleException(RuleCode.SheetPlanStale, "The offering changed since its figures were read; read them again.");
        if (CapacityFigures.Problems(totalUnits, occupiedUnits, earliestStart, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) is { } problems)
            throw new MarketRuleException(RuleCode.UnitsOutOfRange, string.Join(" ", problems.Values.SelectMany(p => p)), problems.Keys.First(), problems);
        if (occupiedUnits + state.HeldUnits > totalUnits)
            throw new MarketRuleException(RuleCode.UnitsHeld,
                $"{state.HeldUnits} unit(s) are held for proposals; total units must be at least occupied units plus {state.HeldUnits}.", "totalUnits");
        return await WriteAsync("""
            total_units = @totalUnits, occupied_units = @occupiedUnits, earliest_start = @earliestStart, last_confirmed_at = @now
            """, new { totalUnits, occupiedUnits, earliestStart }, (_, _, updated, record) =>
        {
            record.Audit(provider, "capacity-set", "offering", OfferingId.ToString(), null, $"total {totalUnits}, occupied {occupiedUnits}");
            Availability(record, updated);
            return Task.CompletedTask;
        });
    }

    public Task<OfferingState> Confirm(Actor provider) =>
        GuardedAsync(async () =>
        {
            OwnedBy(provider);
            return await WriteAsync("last_confirmed_at = @now", new { }, (_, _, updated, record) =>
            {
                record.Audit(provider, "capacity-confirmed", "offering", OfferingId.ToString(), null);
                Availability(record, updated);
                return Task.CompletedTask;
            });
        });

    public Task<HoldPlaced[]> PlaceHolds(HoldCommand command) =>
        GuardedAsync(async () =>
        {
            var state = State;
            var now = clock.GetUtcNow();
            if (await Idempotency.StoredAsync<HoldPlaced[]>(database, command.Desk, command.Idempotency) is { } stored)
                return stored;
            if (command.Children.Length == 0) throw MarketRuleException.Invalid("requestId", "A hold is for at least one child.");
            if (command.Premise is { } premise && command.Children.All(child => child.Id != premise.RequestId))
                throw MarketRuleException.Invalid("requestId", "The hold's premise is about a child it does not hold.");
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var place = _place!.ToPlace();
            var policy = new AllocationPolicy(command.AllowOutOfRegion, command.AllowNonContracted);
            var outsidePolicy = false;
            foreach (var child in command.Children)
            {
                var request = child.ToRequest(today);
                var distance = Geo.DistanceKm(child.HomeLat, child.HomeLon, place.Lat, place.Lon);
                if (Feasibility.BrokenIgnoringPolicy(request, place, distance) is { } rule)
                    throw new MarketRuleException(RuleCode.PlaceUnsuitable, UnsuitableBecause(rule, child.CaseReference), "offeringId");
                outsidePolicy |= Feasibility.BrokenPolicy(request, place, policy) is not null;
            }
            // The region's policy rules this place out, or an expertise network holds on the region's behalf: only
            // deliberately, with a reason for the audit and the dossier.
            var onBehalf = command.Desk.Role == Roles.Network;
            if ((outsidePolicy || onBehalf) && PlainText.ProblemWithReason(command.OutsidePolicyReason) == PlainText.ReasonProblem.Missing)
                throw new MarketRuleException(onBehalf ? RuleCode.OnBehalfNeedsReason : RuleCode.OutsidePolicyNeedsReason, onBehalf
                    ? "A hold on the region's behalf needs a reason (outsidePolicyReason)."
                    : "This place is outside the region's policy (another region, or not contracted): give outsidePolicyReason to hold it deliberately.",
                    "outsidePolicyReason");
            var reasonMark = outsidePolicy ? OutsidePolicyMark : onBehalf ? OnBehalfMark : null;
            var reason = reasonMark is null ? null : PlainText.JudgeReason(command.OutsidePolicyReason, "outsidePolicyReason");
            var units = command.Children.Length;
            if (state.FreeUnits < units)
                throw new MarketRuleException(RuleCode.PlaceTaken,
                    units == 1 ? "This place has no free unit any more." : $"This place no longer has {units} free units for the siblings together.");

            var expiresAt = now.AddHours(command.HoldHours);
            var placed = command.Children.Select(child => new HoldPlaced(Guid.NewGuid(), child.Id, OfferingId, expiresAt)).ToArray();
            var desk = command.Desk;
            await using var connection = await database.OpenAsync();
            await using var transaction = await database.BeginWriteAsync(connection);
            if (!await Idempotency.RememberAsync(connection, transaction, desk, command.Idempotency, placed, now))
                throw new AnsweredMeanwhile();
            await MoveUnitsAsync(connection, transaction, UnitsMove.Hold(units), (updated, record) =>
            {
                GuardChildren(record, command);
                foreach (var (hold, child) in placed.Zip(command.Children))
                {
                    record.Write("""
                        INSERT INTO holds (id, region_code, request_id, offering_id, status, created_at, expires_at, created_by, matching_round_id, sibling_group)
                        VALUES (@HoldId, @regionCode, @RequestId, @OfferingId, 'active', @now, @ExpiresAt, @createdBy, @matchingRoundId, @group)
                        """, new
                    {
                        hold.HoldId, regionCode = desk.RegionCode, hold.RequestId, hold.OfferingId, now, hold.ExpiresAt, createdBy = desk.Id,
                        matchingRoundId = command.MatchingRoundId, group = child.SiblingGroup,
                    });
                    var distance = Geo.DistanceKm(child.HomeLat, child.HomeLon, place.Lat, place.Lon);
                    record.Publish(new MarketEvent(MarketEvent.HoldChanged, desk.RegionCode, state.ProviderId, hold.HoldId.ToString(), updated.Version,
                        new HoldChangedPayload(hold.HoldId, child.Id, OfferingId, "active", expiresAt)));
                    record.Publish(new MarketEvent(MarketEvent.ProposalReceived, null, state.ProviderId, hold.HoldId.ToString(), updated.Version,
                        new ProposalPayload(hold.HoldId, OfferingId, state.CareType, child.AgeOn(today), MarketRows.Split(child.Needs),
                            Math.Round(distance, 1), child.Urgency, units, expiresAt)));
                    record.Audit(desk, "hold-placed", "hold", hold.HoldId.ToString(), desk.RegionCode, $"request {child.CaseReference} on offering {OfferingId}" +
                        (command.HeldElsewhere > 0 ? $"; in parallel with {command.HeldElsewhere} other hold(s), deliberately" : "") +
                        (reason is not null ? $"; {reasonMark}{reason}" : ""));
                }
                Availability(record, updated);
                return Task.CompletedTask;
            });
            _holds?.Placed(placed.Zip(command.Children, (hold, child) => new HoldRow
            {
                HoldId = hold.HoldId, RequestId = hold.RequestId, RegionCode = desk.RegionCode!, SiblingGroup = child.SiblingGroup, ExpiresAt = expiresAt,
            }));
            return placed;
        }, command.Desk, command.Idempotency);

    public Task<Acceptance> Accept(Actor provider, Guid holdId, DateOnly startDate, IdempotentRequest? idempotency) =>
        GuardedAsync(async () =>
        {
            OwnedBy(provider, "This hold");
            var now = clock.GetUtcNow();
            Answers.JudgeStartDate(startDate, DateOnly.FromDateTime(now.UtcDateTime));
            if (await Idempotency.StoredAsync<Guid[]>(database, provider, idempotency) is { } stored)
            {
                await using var connection = await database.OpenAsync();
                return new Acceptance(stored, await HoldAt.ActiveOfAsync(connection, null, stored));
            }
            Acceptance? acceptance = null;
            List<HoldRow> ended = [];
            await WriteWithHoldsAsync(async (connection, transaction) =>
            {
                var accepted = await connection.QuerySingleOrDefaultAsync<HoldRow>("""
                    UPDATE holds SET status = 'accepted', answered_at = @now
                    WHERE id = @holdId AND offering_id = @offeringId AND status = 'active' AND expires_at > @now
                    RETURNING id AS HoldId, request_id AS RequestId, region_code AS RegionCode, sibling_group AS SiblingGroup, expires_at AS ExpiresAt
                    """, new { holdId, offeringId = OfferingId, now }, transaction)
                    ?? throw await NotActiveAsync(connection, transaction, holdId);
                var siblings = accepted.SiblingGroup is null ? [] : (await connection.QueryAsync<HoldRow>("""
                    UPDATE holds SET status = 'accepted', answered_at = @now
                    WHERE region_code = @RegionCode AND sibling_group = @SiblingGroup AND offering_id = @offeringId AND status = 'active'
                    RETURNING id AS HoldId, request_id AS RequestId, region_code AS RegionCode, sibling_group AS SiblingGroup, expires_at AS ExpiresAt
                    """, new { now, accepted.RegionCode, accepted.SiblingGroup, offeringId = OfferingId }, transaction)).ToList();
                List<HoldRow> holds = ended = [accepted, .. siblings];
                foreach (var hold in holds)
                    if (await connection.QuerySingleOrDefaultAsync<DateOnly?>(
                            "SELECT measure_start FROM requests WHERE id = @RequestId AND region_code = @RegionCode", new { hold.RequestId, hold.RegionCode }, transaction)
                        is { } measureStart && startDate < measureStart)
                        throw new MarketRuleException(RuleCode.StartBeforeMeasure,
                            $"startDate must be on or after the start of the child's measure, {measureStart:yyyy-MM-dd}.", "startDate");
                return (UnitsMove.Place(holds.Count), async (updated, record) =>
                {
                    var placed = holds.Select(h => h.RequestId).ToArray();
                    if (!await Idempotency.RememberAsync(connection, transaction, provider, idempotency, placed, now))
                        throw new AnsweredMeanwhile();
                    foreach (var hold in holds)
                    {
                        var placementId = Guid.NewGuid();
                        await connection.ExecuteAsync("""
                            INSERT INTO placements (id, region_code, request_id, offering_id, hold_id, start_date, second_best, created_at)
                            VALUES (@placementId, @RegionCode, @RequestId, @offeringId, @holdId, @startDate, false, @now)
                            """, new { placementId, hold.RegionCode, hold.RequestId, offeringId = OfferingId, holdId, startDate, now }, transaction);
                        var version = await connection.QuerySingleOrDefaultAsync<long?>("""
                            UPDATE requests SET status = 'placed', closed_at = @now, version = version + 1
                            WHERE id = @RequestId AND region_code = @RegionCode AND status = 'open'
                            RETURNING version
                            """, new { hold.RequestId, now, hold.RegionCode }, transaction)
                            ?? throw new MarketRuleException(RuleCode.RequestClosed, "This child's request was closed meanwhile; the proposal can no longer be accepted.");
                        record.Publish(new MarketEvent(MarketEvent.RequestChanged, hold.RegionCode, null, hold.RequestId.ToString(), version,
                            new RequestChangedPayload(hold.RequestId, "placed", version)));
                        record.Audit(provider, "hold-accepted", "placement", placementId.ToString(), hold.RegionCode,
                            $"request {hold.RequestId} placed on offering {OfferingId} from {startDate:yyyy-MM-dd}");
                        HoldChange(record, hold, "accepted", updated);
                    }
                    Availability(record, updated);
                    acceptance = new Acceptance(placed, await HoldAt.ActiveOfAsync(connection, transaction, placed));
                });
            });
            _holds?.Ended(ended.Select(hold => hold.HoldId));
            return acceptance!;
        }, provider, idempotency);

    public Task Decline(Actor provider, Guid holdId, string reason, string? note, IdempotentRequest? idempotency) =>
        GuardedAsync<bool>(async () =>
        {
            OwnedBy(provider, "This hold");
            Answers.JudgeDecline(reason, note);
            var now = clock.GetUtcNow();
            if (await Idempotency.StoredAsync<string>(database, provider, idempotency) is not null)
                return true;
            var holds = await AnswerableAsync(holdId, now);
            await using var connection = await database.OpenAsync();
            await using var transaction = await database.BeginWriteAsync(connection);
            await MoveUnitsAsync(connection, transaction, UnitsMove.GiveBack(holds.Count), async (updated, record) =>
            {
                if (!await Idempotency.RememberAsync(connection, transaction, provider, idempotency, "declined", now))
                    throw new AnsweredMeanwhile();
                record.Audit(provider, "hold-declined", "hold", holdId.ToString(), holds[0].RegionCode, $"{reason}: {note}");
                GivenBack(record, holds, "declined", updated);
            }, holdsFirst: record =>
            {
                // The siblings go with the answered hold, as they were proposed together; only the answered one is judged on its time.
                foreach (var hold in holds)
                    record.Guard($"""
                        UPDATE holds SET status = 'declined', answered_at = @now, decline_reason = @reason, decline_note = @note
                        WHERE id = @HoldId AND offering_id = @offeringId AND status = 'active'{(hold.HoldId == holdId ? " AND expires_at > @now" : "")}
                        RETURNING id
                        """, new { hold.HoldId, offeringId = OfferingId, now, reason, note }, () => new HoldsMoved());
            });
            _holds?.Ended(holds.Select(hold => hold.HoldId));
            return true;
        }, provider, idempotency);

    /// <summary>
    /// The hold to answer and its siblings here, from what this activation knows (loaded again when that does not add
    /// up); refused as the database tells when the hold is not active here or its time is up.
    /// </summary>
    private async Task<IReadOnlyList<HoldRow>> AnswerableAsync(Guid holdId, DateTimeOffset now)
    {
        if (!(_holds?.Counts(State.HeldUnits) ?? false))
        {
            // Just loaded, the holds are the rows themselves, even where the row's held units disagree with them.
            await LoadAsync();
            if (_holds is { } loaded && !loaded.Counts(State.HeldUnits))
                logger.LogWarning("Offering {OfferingId}: {Held} held unit(s) but a different number of active holds", OfferingId, State.HeldUnits);
        }
        var holds = _holds?.WithSiblings(holdId);
        if (holds is not null && holds[0].ExpiresAt > now) return holds;
        await using var connection = await database.OpenAsync();
        throw await NotActiveAsync(connection, null, holdId);
    }

    public Task<int> EndHolds(Actor actor, Guid[] holdIds, string status) =>
        GuardedAsync(async () =>
        {
            if (status is not ("expired" or "released"))
                throw new ArgumentOutOfRangeException(nameof(status), status, "Holds end here as expired or released.");
            if (_state is null || holdIds.Length == 0) return 0;
            var now = clock.GetUtcNow();
            var ended = 0;
            Guid[] endedIds = [];
            await WriteWithHoldsAsync(async (connection, transaction) =>
            {
                var holds = new List<HoldRow>();
                foreach (var holdId in holdIds.Distinct().Order())
                {
                    // Expiry takes only holds whose time is up: an accept that came first has already closed the hold.
                    var hold = await connection.QuerySingleOrDefaultAsync<HoldRow>("""
                        UPDATE holds SET status = @status, answered_at = @now
                        WHERE id = @holdId AND offering_id = @offeringId AND status = 'active' AND (@status <> 'expired' OR expires_at <= @now)
                        RETURNING id AS HoldId, request_id AS RequestId, region_code AS RegionCode, sibling_group AS SiblingGroup, expires_at AS ExpiresAt
                        """, new { holdId, offeringId = OfferingId, status, now }, transaction);
                    if (hold is not null) holds.Add(hold);
                }
                ended = holds.Count;
                endedIds = [.. holds.Select(hold => hold.HoldId)];
                return (UnitsMove.GiveBack(holds.Count), (updated, record) =>
                {
                    foreach (var hold in holds)
                        record.Audit(actor, $"hold-{status}", "hold", hold.HoldId.ToString(), hold.RegionCode);
                    GivenBack(record, holds, status, updated);
                    return Task.CompletedTask;
                });
            });
            _holds?.Ended(endedIds);
            return ended;
        });

    public Task EndPlacement(Actor actor, Guid placementId, DateOnly endDate, string reason) =>
        GuardedAsync<bool>(async () =>
        {
            var state = State;
            var isProvider = actor.OrganisationId == state.ProviderId;
            await WriteWithHoldsAsync(async (connection, transaction) =>
            {
                var ended = await connection.QuerySingleOrDefaultAsync<EndedPlacement>("""
                    UPDATE placements SET end_date = @endDate, end_reason = @reason
                    WHERE id = @placementId AND offering_id = @offeringId AND end_date IS NULL AND start_date <= @endDate
                      AND (region_code = @regionCode OR @isProvider)
                    RETURNING region_code AS RegionCode, request_id AS RequestId
                    """, new { placementId, offeringId = OfferingId, endDate, reason, regionCode = actor.RegionCode, isProvider }, transaction);
                if (ended is null)
                {
                    var placement = await connection.QuerySingleOrDefaultAsync<PlacementDates>("""
                        SELECT start_date AS StartDate, end_date AS EndDate FROM placements
                        WHERE id = @placementId AND offering_id = @offeringId AND (region_code = @regionCode OR @isProvider)
                        """, new { placementId, offeringId = OfferingId, regionCode = actor.RegionCode, isProvider }, transaction);
                    throw placement switch
                    {
                        null => MarketRuleException.NotFound("This placement"),
                        { EndDate: { } end } => new MarketRuleException(RuleCode.PlacementCannotEnd, $"The placement has ended already, on {end:yyyy-MM-dd}."),
                        { StartDate: var start } => new MarketRuleException(RuleCode.PlacementCannotEnd,
                            $"endDate is on or after the placement's start, {start:yyyy-MM-dd}.", "endDate"),
                    };
                }
                await journal.AuditAsync(connection, transaction, actor, "placement-ended", "placement", placementId.ToString(), ended.RegionCode, reason);
                // The provider may already have counted the unit free by hand; then there is nothing to free.
                var freed = State.OccupiedUnits > 0 ? 1 : 0;
                return (UnitsMove.EndPlacement(freed), (updated, record) =>
                {
                    Availability(record, updated);
                    return Task.CompletedTask;
                });
            });
            return true;
        });

    /// <summary>
    /// Runs a command against what this activation knows. A stale version means another activation wrote meanwhile:
    /// reload, judge again, and leave when idle so the cluster keeps one activation. A refusal stands only if the row
    /// is still the one this activation judged. A write that lost a race on its idempotency key answers with the winner's result.
    /// </summary>
    private async Task<T> GuardedAsync<T>(Func<Task<T>> command, Actor? actor = null, IdempotentRequest? idempotency = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await command();
            }
            catch (StaleVersion stale) when (attempt < Attempts)
            {
                logger.LogWarning("Offering {OfferingId}: version {Known} is stale (another activation wrote); reloading", OfferingId, stale.Known);
                await LoadAsync();
                this.DeactivateOnIdle();
            }
            catch (AnsweredMeanwhile) when (attempt < Attempts && actor is not null && idempotency is not null)
            {
                // The next attempt finds the stored result.
            }
            catch (MarketRuleException) when (attempt < Attempts && _state is not null)
            {
                // A refusal judged on what this activation knows stands only if the row has not moved since: another
                // activation (or an administrator's change) may have freed the unit this one thinks is taken.
                if (await RowVersionAsync() == _state.Version) throw;
                logger.LogInformation("Offering {OfferingId}: refused on version {Known}, but the row moved; reloading", OfferingId, _state.Version);
                await LoadAsync();
            }
            catch (HoldsMoved) when (attempt < Attempts)
            {
                logger.LogInformation("Offering {OfferingId}: a hold this activation knew as active was not; reloading", OfferingId);
                var known = _state?.Version;
                await LoadAsync();
                if (_state?.Version != known) this.DeactivateOnIdle();
            }
            catch (Exception e) when (e is StaleVersion or HoldsMoved)
            {
                throw new MarketRuleException(RuleCode.Busy, "This place changed many times at once; try again in a moment.");
            }
        }
    }

    /// <summary>
    /// Changes the offering row (the SET clause given) only if its version is the one this activation knows, then lets
    /// the caller write the rest in the same transaction; commits, keeps the new state, and pushes the changes.
    /// </summary>
    private async Task<OfferingState> WriteAsync(string set, object parameters, Func<DbConnection, DbTransaction, OfferingState, ChangeRecord, Task> rest)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        return await FinishAsync(connection, transaction, set, parameters, (updated, record) => rest(connection, transaction, updated, record));
    }

    /// <summary>
    /// The shape of every change that starts at the hold or placement rows: the first step ends or answers rows and
    /// says how many units move and how; zero units means nothing to change here.
    /// </summary>
    private async Task WriteWithHoldsAsync(
        Func<DbConnection, DbTransaction, Task<(UnitsMove Move, Func<OfferingState, ChangeRecord, Task> Then)>> first)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var (move, rest) = await first(connection, transaction);
        if (move.Units == 0)
        {
            await transaction.CommitAsync();
            return;
        }
        await MoveUnitsAsync(connection, transaction, move, rest);
    }

    /// <summary>
    /// Units move (a hold, an answer, a placement ending): the offering's guarded update travels in the change record's
    /// command with the change's own statements, audit, change log and (on PostgreSQL) the commit. Its WHERE clause holds every count this
    /// activation knows, so when it finds the row, the row afterwards is exactly <see cref="UnitsMove.Apply"/> of them;
    /// when it does not, the version is stale and the transaction is never committed.
    /// </summary>
    private async Task MoveUnitsAsync(DbConnection connection, DbTransaction transaction, UnitsMove move, Func<OfferingState, ChangeRecord, Task> rest,
        Action<ChangeRecord>? holdsFirst = null)
    {
        var known = State;
        var updated = move.Apply(known);
        var record = journal.Record();
        // Hold rows before the offering's row, the order in which every change that ends holds locks them.
        holdsFirst?.Invoke(record);
        record.Guard($"""
            UPDATE offerings SET {move.Set}, version = version + 1
            WHERE id = @offeringId AND version = @known AND total_units = @total AND occupied_units = @occupied AND held_units = @held
            RETURNING version
            """, new { units = move.Units, offeringId = OfferingId, known = known.Version, total = known.TotalUnits, occupied = known.OccupiedUnits, held = known.HeldUnits },
            () => new StaleVersion(known.Version));
        await rest(updated, record);
        var changes = await record.CommitAsync(connection, transaction);
        _state = updated;
        feed.Publish(changes);
    }

    /// <summary>The guarded update of the offering row, the rest of the change, its record, the commit; then the new state is kept and pushed.</summary>
    private async Task<OfferingState> FinishAsync(DbConnection connection, DbTransaction transaction, string set, object parameters,
        Func<OfferingState, ChangeRecord, Task> rest)
    {
        var updated = await UpdateRowAsync(connection, transaction, set, parameters);
        var record = journal.Record();
        await rest(updated, record);
        var changes = await record.CommitAsync(connection, transaction);
        _state = updated;
        feed.Publish(changes);
        return updated;
    }

    private async Task<OfferingState> UpdateRowAsync(DbConnection connection, DbTransaction transaction, string set, object parameters)
    {
        var known = State.Version;
        var arguments = new DynamicParameters(parameters);
        arguments.AddDynamicParams(new { offeringId = OfferingId, known, now = clock.GetUtcNow() });
        return await connection.QuerySingleOrDefaultAsync<OfferingState>($"""
            UPDATE offerings SET {set}, version = version + 1
            WHERE id = @offeringId AND version = @known
            RETURNING {StateColumns}
            """, arguments, transaction)
            ?? throw new StaleVersion(known);
    }

    private const string StateColumns = """
        id AS Id, provider_id AS ProviderId, care_type AS CareType, total_units AS TotalUnits, occupied_units AS OccupiedUnits,
        held_units AS HeldUnits, total_units - occupied_units - held_units AS FreeUnits, earliest_start AS EarliestStart,
        last_confirmed_at AS LastConfirmedAt, version AS Version
        """;

    private async Task<long?> RowVersionAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT version FROM offerings WHERE id = @offeringId", new { offeringId = OfferingId });
    }

    private async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        _place = await MarketRows.OfferingAsync(connection, null, OfferingId);
        _state = await connection.QuerySingleOrDefaultAsync<OfferingState>($"SELECT {StateColumns} FROM offerings WHERE id = @offeringId",
            new { offeringId = OfferingId });
        _holds = _state is null ? null : await ActiveHolds.LoadAsync(connection, OfferingId, cancellationToken);
    }

    /// <summary>
    /// The hold's children are the ones their request grain judged: each row's version moves here, in the hold's own
    /// transaction, only if nobody changed it since (a sibling split, a child joining the group, another hold of the group).
    /// The judged child's row moves only if the child still has the active holds and the region the hold rules the request
    /// grain judged on (it may have judged from memory, and holds end at offerings it does not hear from for sure).
    /// </summary>
    private static void GuardChildren(ChangeRecord record, HoldCommand command)
    {
        var refused = () => new MarketRuleException(RuleCode.RequestChanged, "The child's request, its holds or its sibling group changed meanwhile; try again.");
        foreach (var child in command.Children)
        {
            if (command.Premise is { } premise && premise.RequestId == child.Id)
                record.Guard("""
                    UPDATE requests SET version = version + 1
                    WHERE id = @Id AND region_code = @RegionCode AND version = @Version AND status = 'open'
                      AND (SELECT count(*) FROM holds h WHERE h.request_id = @Id AND h.region_code = @RegionCode AND h.status = 'active') = @ActiveHolds
                      AND EXISTS (SELECT 1 FROM regions g
                                  WHERE g.code = @RegionCode AND g.hold_hours = @HoldHours AND g.max_parallel_holds = @MaxParallelHolds
                                    AND g.allow_out_of_region = @AllowOutOfRegion AND g.allow_non_contracted = @AllowNonContracted)
                    RETURNING version
                    """, new
                {
                    child.Id, child.RegionCode, child.Version, premise.ActiveHolds, command.HoldHours, premise.MaxParallelHolds,
                    command.AllowOutOfRegion, command.AllowNonContracted,
                }, refused);
            else
                record.Guard("""
                    UPDATE requests SET version = version + 1
                    WHERE id = @Id AND region_code = @RegionCode AND version = @Version AND status = 'open'
                    RETURNING version
                    """, new { child.Id, child.RegionCode, child.Version }, refused);
        }
    }

    /// <summary>How the audit detail of a hold placed outside the region's policy introduces the desk's reason.</summary>
    public const string OutsidePolicyMark = "outside the region's policy, because: ";

    /// <summary>How the audit detail of a hold an expertise network placed on the region's behalf introduces its reason.</summary>
    public const string OnBehalfMark = "on the region's behalf, because: ";

    /// <summary>The offering as its provider may change it; to anyone else it does not exist.</summary>
    private OfferingState OwnedBy(Actor provider, string what = "This offering")
    {
        var state = State;
        return provider.OrganisationId == state.ProviderId ? state : throw MarketRuleException.NotFound(what);
    }

    private async Task<MarketRuleException> NotActiveAsync(DbConnection connection, DbTransaction? transaction, Guid holdId)
    {
        var status = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT status FROM holds WHERE id = @holdId AND offering_id = @offeringId", new { holdId, offeringId = OfferingId }, transaction);
        if (status is null) return MarketRuleException.NotFound("This hold");
        return new MarketRuleException(RuleCode.HoldNotActive,
            $"This proposal was {(status == "active" ? "expired" : status)} and can no longer be answered.");
    }

    private void GivenBack(ChangeRecord record, IEnumerable<HoldRow> holds, string status, OfferingState updated)
    {
        foreach (var hold in holds)
            HoldChange(record, hold, status, updated);
        Availability(record, updated);
    }

    private static void Availability(ChangeRecord record, OfferingState state) =>
        record.Publish(new MarketEvent(MarketEvent.AvailabilityChanged, null, state.ProviderId, state.Id.ToString(), state.Version,
            new AvailabilityPayload(state.Id, state.CareType, state.FreeUnits, state.TotalUnits, state.LastConfirmedAt, state.Version)));

    private void HoldChange(ChangeRecord record, HoldRow hold, string status, OfferingState state) =>
        record.Publish(new MarketEvent(MarketEvent.HoldChanged, hold.RegionCode, state.ProviderId, hold.HoldId.ToString(), state.Version,
            new HoldChangedPayload(hold.HoldId, hold.RequestId, OfferingId, status, null)));

    private static string UnsuitableBecause(Feasibility.Rule rule, string caseReference) => rule switch
    {
        Feasibility.Rule.CareType => $"The place offers another kind of care than {caseReference} needs.",
        Feasibility.Rule.Secure => $"Secure places are only for children with a court authorisation for secure care, and such children only go there ({caseReference}).",
        Feasibility.Rule.Age => $"The place does not take children of the age of {caseReference}.",
        Feasibility.Rule.Gender => $"The place does not take the gender of {caseReference}.",
        Feasibility.Rule.Needs => $"The place lacks a specialism {caseReference} needs.",
        Feasibility.Rule.Distance => $"The place is further from home than the maximum distance set for {caseReference}.",
        _ => $"The place does not suit {caseReference}.",
    };

    /// <summary>The offering row's version moved: another activation wrote since this one loaded.</summary>
    private sealed class StaleVersion(long known) : Exception($"Offering version {known} is stale.")
    {
        public long Known { get; } = known;
    }

    /// <summary>How a change moves the offering's units: its SET clause (with <c>@units</c>) and the same arithmetic on the counts.</summary>
    private sealed record UnitsMove(string Set, int Units, int Held, int Occupied)
    {
        public static UnitsMove Hold(int units) => new("held_units = held_units + @units", units, units, 0);
        public static UnitsMove GiveBack(int units) => new("held_units = held_units - @units", units, -units, 0);
        public static UnitsMove Place(int units) => new("held_units = held_units - @units, occupied_units = occupied_units + @units", units, -units, units);
        public static UnitsMove EndPlacement(int units) => new("occupied_units = occupied_units - @units", units, 0, -units);

        public OfferingState Apply(OfferingState known) => new()
        {
            Id = known.Id, ProviderId = known.ProviderId, CareType = known.CareType, TotalUnits = known.TotalUnits,
            OccupiedUnits = known.OccupiedUnits + Occupied, HeldUnits = known.HeldUnits + Held,
            FreeUnits = known.TotalUnits - known.OccupiedUnits - Occupied - known.HeldUnits - Held,
            EarliestStart = known.EarliestStart, LastConfirmedAt = known.LastConfirmedAt, Version = known.Version + 1,
        };
    }

    /// <summary>A hold this activation knew as active was not (another activation answered it, or its time was moved).</summary>
    private sealed class HoldsMoved() : Exception("A hold known as active was not.");

    /// <summary>Another call with the same idempotency key committed first.</summary>
    private sealed class AnsweredMeanwhile() : Exception("The same idempotent request was answered meanwhile.");

    private sealed class PlacementDates
    {
        public DateOnly StartDate { get; init; }
        public DateOnly? EndDate { get; init; }
    }

    private sealed class EndedPlacement
    {
        public string RegionCode { get; init; } = "";
        public Guid RequestId { get; init; }
    }
}

public sealed record AvailabilityPayload(Guid OfferingId, string CareType, int FreeUnits, int TotalUnits, DateTimeOffset LastConfirmedAt, long Version);
public sealed record HoldChangedPayload(Guid HoldId, Guid RequestId, Guid OfferingId, string Status, DateTimeOffset? ExpiresAt);
public sealed record ProposalPayload(Guid HoldId, Guid OfferingId, string CareType, int Age, IReadOnlyList<string> Needs, double DistanceKm,
    string Urgency, int Children, DateTimeOffset ExpiresAt);
public sealed record RequestChangedPayload(Guid RequestId, string Status, long Version);
