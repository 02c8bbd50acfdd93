using System.Data.Common;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// A child's request has one owner (key: <see cref="RequestGrainKey"/>, the region and the request id, which never
/// change): registering, editing, withdrawing and escalating it, and the child's side of its holds. Siblings are held
/// together; the hold's transaction moves the version of every sibling's row, and anything that changes a group
/// (a split, a child joining) moves them too, so two such changes cannot both win.
/// </summary>
/// <summary>The information is in the dossier; <c>Version</c> is the request's version after it (a next urgency change names it).</summary>
[GenerateSerializer, Immutable, Alias("mm.InformationAdded")]
public sealed record InformationAdded([property: Id(0)] long Version);

/// <summary>A swap: the new hold(s) (one per sibling held together), and whether the old one was released now (else the region's reconciler does).</summary>
[GenerateSerializer, Immutable, Alias("mm.HoldSwap")]
public sealed record HoldSwap([property: Id(0)] HoldPlaced[] Placed, [property: Id(1)] bool OldReleased);

public interface IRequestGrain : IGrainWithStringKey
{
    /// <summary>A desk registers a child of its region, or a caseworker files one with the desk of the region the child lives in.</summary>
    Task Register(Actor filer, RequestInput input);

    /// <summary>
    /// The desk edits an open request: the fields given replace the stored ones, and the result is judged as a whole.
    /// With <paramref name="readTags"/> (the <see cref="RequestView.EditTag"/> the desk's form or system read; a system may
    /// name several) the edit is refused if the editable fields are none of those any more, so no one overwrites another's
    /// change with what they saw before it. An edit that would change nothing is never refused.
    /// </summary>
    Task Edit(Actor desk, RequestInput patch, string[]? readTags);

    /// <summary>The desk withdraws the open request (the reason goes into the audit); its holds are released.</summary>
    Task Withdraw(Actor desk, string? reason);

    /// <summary>
    /// The caseworker who filed the open request adds information for the desk: a note in the child's dossier. With an
    /// <paramref name="idempotency"/> key a retry answers the first result and adds no second note.
    /// </summary>
    Task<InformationAdded> AddInformation(Actor caseworker, string? text, IdempotentRequest? idempotency);

    /// <summary>
    /// The caseworker who filed the open request changes its urgency, with a reason, on the version they read
    /// (<paramref name="knownVersion"/>): a request changed since is refused, never overwritten.
    /// </summary>
    /// <returns>The request's version after the change.</returns>
    Task<long> ChangeUrgency(Actor caseworker, string? urgency, string? reason, long knownVersion);

    /// <summary>The caseworker who filed the open request withdraws it with one of the withdrawal reasons; its holds are released.</summary>
    Task WithdrawAsCaseworker(Actor caseworker, string? reason);

    /// <summary>
    /// The expertise network asks the desk to widen the escalated child's maximum distance (with an optional note): an entry
    /// in the dossier. True when asked now; false when it was asked already at this distance (a repeated click changes nothing).
    /// </summary>
    Task<bool> AskWiderDistance(Actor network, string? note);

    /// <summary>The desk escalates the open request to its region's expertise network, with a reason.</summary>
    Task<Escalation> Escalate(Actor desk, string reason);

    /// <summary>
    /// Holds a place for the child (and its open siblings). A child that already has a hold gets a second one only when
    /// the desk asks for it (<paramref name="parallel"/>), and never more than the region's limit of parallel holds. A
    /// place the region's policy rules out needs <paramref name="outsidePolicyReason"/> (recorded in the audit).
    /// </summary>
    Task<HoldPlaced[]> PlaceHold(Actor desk, Guid offeringId, Guid? matchingRoundId, bool parallel, string? outsidePolicyReason,
        IdempotentRequest? idempotency);

    /// <summary>
    /// The desk swaps the child's open proposal (its active hold <paramref name="currentHoldId"/>) for another place. The
    /// new hold is placed first, judged as any hold with the current one counted as leaving; only once it stands is the
    /// current one released through its offering. A refused new hold leaves the current one exactly as it was.
    /// </summary>
    Task<HoldSwap> SwapHold(Actor desk, Guid currentHoldId, Guid offeringId, string? outsidePolicyReason);

    /// <summary>The provider accepts a hold: the child is placed at that offering, then every other hold of the child is released.</summary>
    Task<Guid[]> Accept(Actor provider, Guid holdId, Guid offeringId, DateOnly startDate, IdempotentRequest? idempotency);
}

[GenerateSerializer, Immutable, Alias("mm.Escalation")]
public sealed record Escalation(
    [property: Id(0)] Guid RequestId, [property: Id(1)] string NetworkCode, [property: Id(2)] string NetworkName,
    [property: Id(3)] DateTimeOffset EscalatedAt, [property: Id(4)] string Reason);

/// <summary>
/// Judges every change of one request against the database as it is (the offering grains, the sibling group's split and
/// other requests joining a group also move this row), writes in one transaction with the row's version in the WHERE
/// clause, and only then answers and pushes the change. The one thing it keeps between calls is what the child's last
/// hold was judged on (<see cref="HoldBasis"/>), from one hold to the next: the next hold's command guards all of it, a
/// refusal judged from it is judged again from the rows, and any other call forgets it.
/// </summary>
[PreferLocalPlacement]
public sealed class RequestGrain(Database database, Journal journal, LiveFeed feed, RequestReads reads, HomeAreaOptions homeArea, EndedHolds endedHolds,
    TimeProvider clock, ILogger<RequestGrain> logger)
    : Grain, IRequestGrain, IIncomingGrainCallFilter, IFollowsItsCallers
{
    private const int Attempts = 3;

    public CallerRun Callers { get; } = new();

    private HoldBasis? _basis;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // Any call but a hold may change the request: what the last hold knew is dropped.
        if (context.InterfaceMethod.Name != nameof(PlaceHold)) _basis = null;
        await context.Invoke();
    }

    private string RegionCode => RequestGrainKey.Parse(this.GetPrimaryKeyString()).RegionCode;
    private Guid RequestId => RequestGrainKey.Parse(this.GetPrimaryKeyString()).RequestId;

    public async Task Register(Actor filer, RequestInput input)
    {
        var isCaseworker = filer.Role == Roles.Caseworker;
        if (!isCaseworker && filer.RegionCode != RegionCode) throw MarketRuleException.NotFound("This region");
        Judge(input);
        var group = SiblingGroups.AsStored(filer, input.SiblingGroup);
        var now = clock.GetUtcNow();
        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = await database.BeginWriteAsync(connection);
            if (isCaseworker)
                input = input with { CaseReference = CaseReferences.AsStored(filer, input.CaseReference!.Trim(), await connection.QuerySingleOrDefaultAsync<string>(
                    "SELECT name FROM organisations WHERE id = @organisation", new { organisation = filer.OrganisationId }, transaction)) };
            if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM requests WHERE id = @id", new { id = RequestId }, transaction) > 0)
                throw new MarketRuleException(RuleCode.RequestChanged, "A request with this id exists already.");
            await JudgeInRegionAsync(connection, transaction, input, except: null, judgeHome: true);
            if (group is not null) await JoinGroupAsync(connection, transaction, group);
            await connection.ExecuteAsync("""
                INSERT INTO requests (id, region_code, case_reference, measure_type, measure_start, urgency, care_type, needs, needs_secure,
                                      birth_month, gender, home_pc4, home_lat, home_lon, max_distance_km, sibling_group, child_wishes,
                                      parent_wishes, municipality_id, status, registered_at, created_by, caseworker_id, version)
                VALUES (@id, @regionCode, @CaseReference, @MeasureType, @MeasureStart, @Urgency, @CareType, @needs, @NeedsSecure,
                        @birthMonth, @Gender, @HomePc4, @HomeLat, @HomeLon, @MaxDistanceKm, @group, @childWishes,
                        @parentWishes, @MunicipalityId, 'open', @now, @createdBy, @caseworkerId, 1)
                """, Columns(input, new { id = RequestId, regionCode = RegionCode, group, now, createdBy = filer.Id,
                    caseworkerId = isCaseworker ? filer.Id : null }), transaction);
            var record = journal.Record();
            record.Audit(filer, "request-registered", "request", RequestId.ToString(), RegionCode, input.CaseReference);
            Changed(record, "open", 1);
            await CommitAsync(connection, transaction, record);
        }
    }

    public async Task Edit(Actor desk, RequestInput patch, string[]? readTags)
    {
        OfRegion(desk);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EditOnceAsync(desk, patch, readTags);
                return;
            }
            catch (MarketRuleException changed) when (changed.Code == RuleCode.RequestChanged && attempt < Attempts)
            {
                logger.LogInformation("Request {RequestId} changed while it was edited; judging the edit again", RequestId);
            }
        }
    }

    private async Task EditOnceAsync(Actor desk, RequestInput patch, string[]? readTags)
    {
        var current = await reads.ReadAsync(RegionCode, RequestId) ?? throw MarketRuleException.NotFound("This request");
        if (current.Status != "open")
            throw new MarketRuleException(RuleCode.RequestNotOpen, $"This request is {current.Status} and can no longer be edited.");
        var before = current.ToInput();
        var merged = before.With(patch);
        // An edit that changes nothing as stored writes nothing: no new version, no "edited" in the child's dossier or the
        // audit (needs in another order and a birth month as a read gives it, yyyy-mm-01, change nothing).
        if (merged.SameAs(before)) return;
        if (readTags is not null && !readTags.Contains(current.EditTag))
            throw new MarketRuleException(RuleCode.RequestEditedMeanwhile,
                "The request's fields changed since they were read (its editTag is another now): read it again and make the edit on what it is now.", "editTag");
        // A caseworker's reference kept as it was is judged as they typed it (its institution's namespace is the engine's).
        var referenceKept = merged.CaseReference == current.CaseReference;
        RequestInput AsJudged(RequestInput input) => referenceKept ? input with { CaseReference = CaseReferences.Typed(input.CaseReference) } : input;
        Judge(AsJudged(merged), stored: AsJudged(before));
        var group = SiblingGroups.AsStored(desk, merged.SiblingGroup);
        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = await database.BeginWriteAsync(connection);
            // The home PC4 is judged against the municipality when either changes (a pair stored before the rule stays editable).
            await JudgeInRegionAsync(connection, transaction, merged, except: RequestId,
                judgeHome: merged.HomePc4 != current.HomePc4 || merged.MunicipalityId != current.MunicipalityId);
            if (group != current.SiblingGroup)
            {
                // Leaving a group (or joining another) while held for it would split a group hold.
                if (current.ActiveHolds > 0)
                    throw new MarketRuleException(RuleCode.SiblingsHeld,
                        "The child has a hold waiting for a provider's answer; answer or release it before changing its sibling group.", "siblingGroup");
                if (group is not null) await JoinGroupAsync(connection, transaction, group);
            }
            var version = await connection.QuerySingleOrDefaultAsync<long?>("""
                UPDATE requests SET case_reference = @CaseReference, measure_type = @MeasureType, measure_start = @MeasureStart, urgency = @Urgency,
                    care_type = @CareType, needs = @needs, needs_secure = @NeedsSecure, birth_month = @birthMonth, gender = @Gender,
                    home_pc4 = @HomePc4, home_lat = @HomeLat, home_lon = @HomeLon, max_distance_km = @MaxDistanceKm,
                    sibling_group = @group, child_wishes = @childWishes, parent_wishes = @parentWishes, municipality_id = @MunicipalityId,
                    version = version + 1
                WHERE id = @requestId AND region_code = @regionCode AND status = 'open' AND version = @known
                RETURNING version
                """, Columns(merged, new { requestId = RequestId, regionCode = RegionCode, group, known = current.Version }), transaction)
                ?? throw new MarketRuleException(RuleCode.RequestChanged, "The request was changed or closed meanwhile; read it again.");
            var record = journal.Record();
            record.Audit(desk, "request-edited", "request", RequestId.ToString(), RegionCode, merged.CaseReference);
            Changed(record, "open", version);
            await CommitAsync(connection, transaction, record);
        }
    }

    public async Task Withdraw(Actor desk, string? reason)
    {
        OfRegion(desk);
        if (reason is not null && !WithdrawalReasons.All.Contains(reason))
            throw MarketRuleException.Invalid("reason", $"reason is one of {string.Join(", ", WithdrawalReasons.All)}.");
        await WithdrawAsync(desk, reason, caseworker: null);
    }

    public async Task WithdrawAsCaseworker(Actor caseworker, string? reason)
    {
        OfCaseworker(caseworker);
        if (reason is null || !WithdrawalReasons.All.Contains(reason))
            throw MarketRuleException.Invalid("reason", $"reason is required, one of {string.Join(", ", WithdrawalReasons.All)}.");
        await WithdrawAsync(caseworker, reason, caseworker.Id);
    }

    /// <summary>Withdraws the open request (the filing caseworker's only, when <paramref name="caseworker"/> is given), then releases its holds.</summary>
    private async Task WithdrawAsync(Actor actor, string? reason, Guid? caseworker)
    {
        HoldAt[] active;
        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = await database.BeginWriteAsync(connection);
            var version = await connection.QuerySingleOrDefaultAsync<long?>(caseworker is null
                ? """
                  UPDATE requests SET status = 'withdrawn', closed_at = @now, version = version + 1
                  WHERE id = @requestId AND region_code = @regionCode AND status = 'open'
                  RETURNING version
                  """
                : """
                  UPDATE requests SET status = 'withdrawn', closed_at = @now, version = version + 1
                  WHERE id = @requestId AND region_code = @regionCode AND status = 'open' AND caseworker_id = @caseworker
                  RETURNING version
                  """, new { requestId = RequestId, regionCode = RegionCode, now = clock.GetUtcNow(), caseworker }, transaction)
                ?? throw await NotOpenAsync(connection, transaction, "withdrawn", caseworker);
            var record = journal.Record();
            record.Audit(actor, "request-withdrawn", "request", RequestId.ToString(), RegionCode, reason is null ? null : $"reason: {reason}");
            Changed(record, "withdrawn", version);
            active = await HoldAt.ActiveOfAsync(connection, transaction, [RequestId]);
            await CommitAsync(connection, transaction, record);
        }
        // As the desk's withdrawal: each hold is released by its offering's grain, which gives the unit back.
        await ReleaseAsync(actor, active);
    }

    /// <summary>The longest note a caseworker adds to a dossier.</summary>
    public const int MaxInformationLength = 2000;

    public async Task<InformationAdded> AddInformation(Actor caseworker, string? text, IdempotentRequest? idempotency)
    {
        OfCaseworker(caseworker);
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) throw MarketRuleException.Invalid("text", "text is required.");
        if (text.Length > MaxInformationLength) throw MarketRuleException.Invalid("text", $"text is at most {MaxInformationLength} characters.");
        if (PlainText.ProblemWith(text, "text") is { } problem) throw MarketRuleException.Invalid("text", problem);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        if (await Idempotency.StoredAsync<InformationAdded>(connection, transaction, caseworker, idempotency) is { } stored) return stored;
        // Moving the row's version tells the desk's open dossier (and an edit judged at the same time) that the child changed.
        var version = await connection.QuerySingleOrDefaultAsync<long?>("""
            UPDATE requests SET version = version + 1
            WHERE id = @requestId AND region_code = @regionCode AND status = 'open' AND caseworker_id = @caseworker
            RETURNING version
            """, new { requestId = RequestId, regionCode = RegionCode, caseworker = caseworker.Id }, transaction)
            ?? throw await NotOpenAsync(connection, transaction, "added to", caseworker.Id);
        await NoteAsync(connection, transaction, caseworker, "information", text, null);
        var added = new InformationAdded(version);
        if (!await Idempotency.RememberAsync(connection, transaction, caseworker, idempotency, added, clock.GetUtcNow()))
        {
            // Another call with the same key got there first (this grain runs one call at a time, so only across a failover).
            await transaction.RollbackAsync();
            return (await Idempotency.StoredAsync<InformationAdded>(database, caseworker, idempotency))!;
        }
        var record = journal.Record();
        record.Audit(caseworker, "request-information-added", "request", RequestId.ToString(), RegionCode, $"{text.Length} characters");
        Changed(record, "open", version);
        await CommitAsync(connection, transaction, record);
        return added;
    }

    public async Task<long> ChangeUrgency(Actor caseworker, string? urgency, string? reason, long knownVersion)
    {
        OfCaseworker(caseworker);
        if (urgency is null || !Matching.Urgencies.All.Contains(urgency))
            throw MarketRuleException.Invalid("urgency", "urgency is crisis, urgent or regular.");
        reason = PlainText.JudgeReason(reason);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var current = await connection.QuerySingleOrDefaultAsync<UrgencyFacts>("""
            SELECT status AS Status, urgency AS Urgency, version AS Version FROM requests
            WHERE id = @requestId AND region_code = @regionCode AND caseworker_id = @caseworker
            """, new { requestId = RequestId, regionCode = RegionCode, caseworker = caseworker.Id }, transaction)
            ?? throw MarketRuleException.NotFound("This request");
        if (current.Status != "open") throw new MarketRuleException(RuleCode.RequestNotOpen, $"This request is {current.Status}; its urgency no longer changes.");
        if (current.Version != knownVersion)
            throw new MarketRuleException(RuleCode.RequestChanged, "The request was changed since you read it; read it again.", "urgency");
        if (current.Urgency == urgency) throw MarketRuleException.Invalid("urgency", $"The urgency is {urgency} already.");
        // The priority follows from the urgency when the desk's board and the matcher read the request, as after the desk's edit.
        var version = await connection.QuerySingleOrDefaultAsync<long?>("""
            UPDATE requests SET urgency = @urgency, version = version + 1
            WHERE id = @requestId AND region_code = @regionCode AND status = 'open' AND caseworker_id = @caseworker AND version = @knownVersion
            RETURNING version
            """, new { urgency, requestId = RequestId, regionCode = RegionCode, caseworker = caseworker.Id, knownVersion }, transaction)
            ?? throw new MarketRuleException(RuleCode.RequestChanged, "The request was changed since you read it; read it again.", "urgency");
        await NoteAsync(connection, transaction, caseworker, "urgency-changed", reason, $"{current.Urgency}>{urgency}");
        var record = journal.Record();
        record.Audit(caseworker, "request-urgency-changed", "request", RequestId.ToString(), RegionCode, $"{current.Urgency} -> {urgency}");
        Changed(record, "open", version);
        await CommitAsync(connection, transaction, record);
        return version;
    }

    public async Task<bool> AskWiderDistance(Actor network, string? note)
    {
        if (network.Role != Roles.Network) throw MarketRuleException.NotFound("This request");
        note = note?.Trim() ?? "";
        if (note.Length > PlainText.MaxReasonLength) throw MarketRuleException.Invalid("note", $"note is at most {PlainText.MaxReasonLength} characters.");
        if (PlainText.ProblemWith(note, "note") is { } problem) throw MarketRuleException.Invalid("note", problem);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // Only the network of the child's region sees an escalated child (as NetworkReads): anyone else finds nothing.
        var child = await connection.QuerySingleOrDefaultAsync<DistanceFacts>("""
            SELECT r.status AS Status, r.max_distance_km AS MaxDistanceKm
            FROM requests r JOIN regions g ON g.code = r.region_code
            WHERE r.id = @requestId AND r.region_code = @regionCode AND r.escalated_at IS NOT NULL
              AND g.network_code = (SELECT s.network_code FROM regions s WHERE s.code = @seat)
            """, new { requestId = RequestId, regionCode = RegionCode, seat = network.RegionCode }, transaction)
            ?? throw MarketRuleException.NotFound("This request");
        if (child.Status != "open") throw new MarketRuleException(RuleCode.RequestNotOpen, $"This request is {child.Status}.");
        var distance = child.MaxDistanceKm.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (await connection.ExecuteScalarAsync<long>("""
                SELECT count(*) FROM request_notes
                WHERE request_id = @requestId AND region_code = @regionCode AND kind = 'distance-asked' AND detail = @distance
                """, new { requestId = RequestId, regionCode = RegionCode, distance }, transaction) > 0)
            return false;
        var version = await connection.QuerySingleOrDefaultAsync<long?>("""
            UPDATE requests SET version = version + 1 WHERE id = @requestId AND region_code = @regionCode AND status = 'open'
            RETURNING version
            """, new { requestId = RequestId, regionCode = RegionCode }, transaction)
            ?? throw new MarketRuleException(RuleCode.RequestChanged, "The request was changed meanwhile; read it again.");
        // The unique index (migration 0025) keeps one ask per child and distance even when two nodes ask at once.
        if (await connection.ExecuteAsync("""
                INSERT INTO request_notes (id, region_code, request_id, kind, text, detail, author_id, author_role, created_at)
                VALUES (@id, @regionCode, @requestId, 'distance-asked', @note, @distance, @authorId, @authorRole, @now)
                ON CONFLICT (region_code, request_id, detail) WHERE kind = 'distance-asked' DO NOTHING
                """, new { id = Guid.NewGuid(), regionCode = RegionCode, requestId = RequestId, note, distance, authorId = network.Id,
                    authorRole = network.Role, now = clock.GetUtcNow() }, transaction) == 0)
        {
            await transaction.RollbackAsync();
            return false;
        }
        var record = journal.Record();
        record.Audit(network, "distance-asked", "request", RequestId.ToString(), RegionCode, $"max {distance} km");
        Changed(record, "open", version);
        await CommitAsync(connection, transaction, record);
        return true;
    }

    private async Task NoteAsync(DbConnection connection, DbTransaction transaction, Actor author, string kind, string text, string? detail) =>
        await connection.ExecuteAsync("""
            INSERT INTO request_notes (id, region_code, request_id, kind, text, detail, author_id, author_role, created_at)
            VALUES (@id, @regionCode, @requestId, @kind, @text, @detail, @authorId, @authorRole, @now)
            """, new { id = Guid.NewGuid(), regionCode = RegionCode, requestId = RequestId, kind, text, detail, authorId = author.Id,
                authorRole = author.Role, now = clock.GetUtcNow() }, transaction);

    public async Task<Escalation> Escalate(Actor desk, string reason)
    {
        OfRegion(desk);
        reason = PlainText.JudgeReason(reason);
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var request = await connection.QuerySingleOrDefaultAsync<EscalationFacts>("""
            SELECT r.status AS Status, r.escalated_at AS EscalatedAt, n.code AS NetworkCode, n.name AS NetworkName
            FROM requests r JOIN regions g ON g.code = r.region_code LEFT JOIN expertise_networks n ON n.code = g.network_code
            WHERE r.id = @requestId AND r.region_code = @regionCode
            """, new { requestId = RequestId, regionCode = RegionCode }, transaction)
            ?? throw MarketRuleException.NotFound("This request");
        if (request.Status != "open") throw new MarketRuleException(RuleCode.RequestNotOpen, "Only an open request can be escalated.");
        if (request.EscalatedAt is not null) throw new MarketRuleException(RuleCode.AlreadyEscalated, "This request is already escalated.");
        if (request.NetworkCode is null)
            throw new MarketRuleException(RuleCode.NoExpertiseNetwork, "The region belongs to no expertise network; an administrator assigns one.");
        var version = await connection.QuerySingleOrDefaultAsync<long?>("""
            UPDATE requests SET escalated_at = @now, escalation_reason = @reason, version = version + 1
            WHERE id = @requestId AND region_code = @regionCode AND status = 'open' AND escalated_at IS NULL
            RETURNING version
            """, new { now, reason, requestId = RequestId, regionCode = RegionCode }, transaction)
            ?? throw new MarketRuleException(RuleCode.RequestChanged, "The request was changed meanwhile; read it again.");
        var record = journal.Record();
        record.Audit(desk, "request-escalated", "request", RequestId.ToString(), RegionCode, $"network {request.NetworkCode}: {reason}");
        Changed(record, "open", version);
        await CommitAsync(connection, transaction, record);
        return new Escalation(RequestId, request.NetworkCode, request.NetworkName!, now, reason);
    }

    public async Task<HoldPlaced[]> PlaceHold(Actor desk, Guid offeringId, Guid? matchingRoundId, bool parallel, string? outsidePolicyReason,
        IdempotentRequest? idempotency)
    {
        OfRegion(desk);
        for (var attempt = 1; ; attempt++)
        {
            // Less the holds this node heard had ended since (a provider's decline, a release).
            var remembered = _basis?.Without(endedHolds.Ended);
            _basis = null;
            try
            {
                var (stored, command, basis) = await HoldCommandAsync(desk, offeringId, matchingRoundId, parallel, outsidePolicyReason, idempotency,
                    replacing: 0, remembered);
                if (stored is not null) return stored;
                var placed = await GrainFactory.GetGrain<IOfferingGrain>(offeringId).PlaceHolds(command!);
                _basis = basis!.After(placed, RequestId);
                return placed;
            }
            catch (MarketRuleException refused) when (remembered is not null && StaleMemoryMayRefuse.Contains(refused.Code))
            {
                // Judged from memory and refused (here on holds that may have ended at offerings that could not tell this
                // grain, by the offering on the child as remembered, or by a guard that found the rows moved): judge again
                // from the rows, which alone may refuse. Not counted as an attempt; it happens once a call at most, as
                // nothing is remembered after it.
                attempt--;
                logger.LogDebug("Request {RequestId}: a hold judged from memory was refused ({Code}); judging again from the rows", RequestId, refused.Code);
            }
            catch (MarketRuleException changed) when (changed.Code == RuleCode.RequestChanged && attempt < Attempts)
            {
                // A sibling joined or left, or another hold of the group came first: judge the child's side again.
                logger.LogInformation("Request {RequestId} changed while a hold was placed; judging again", RequestId);
            }
        }
    }

    /// <summary>The refusals a hold judged on a stale memory of the child may get (the rest do not depend on it).</summary>
    private static readonly HashSet<RuleCode> StaleMemoryMayRefuse =
    [
        RuleCode.RequestChanged, RuleCode.AlreadyHeldHere, RuleCode.TooManyHolds, RuleCode.ParallelHoldNeedsConfirmation,
        RuleCode.PlaceUnsuitable, RuleCode.OutsidePolicyNeedsReason,
    ];

    private const int ReleaseAttempts = 3;

    public async Task<HoldSwap> SwapHold(Actor desk, Guid currentHoldId, Guid offeringId, string? outsidePolicyReason)
    {
        OfRegion(desk);
        CurrentHold current;
        await using (var connection = await database.OpenAsync())
            current = await connection.QuerySingleOrDefaultAsync<CurrentHold>("""
                SELECT id AS HoldId, offering_id AS OfferingId, matching_round_id AS MatchingRoundId FROM holds
                WHERE id = @currentHoldId AND request_id = @requestId AND region_code = @regionCode AND status = 'active'
                """, new { currentHoldId, requestId = RequestId, regionCode = RegionCode })
                ?? throw new MarketRuleException(RuleCode.HoldNotActive, "The hold to swap is no longer active (answered, released or expired).", "holdId");
        if (current.OfferingId == offeringId)
            throw new MarketRuleException(RuleCode.AlreadyHeldHere, "This child already has a hold on this place.", "offeringId");
        // First the new hold: if it is refused (no unit free, the place does not suit, outside the policy without a reason),
        // this throws before anything else happened, and the current hold is as it was. This grain runs one call at a time,
        // so the provider cannot accept the current hold between the two steps (accepting goes through this grain too).
        HoldPlaced[] placed;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The new hold stays the round's proposal, as the one it replaces was (the desk can swap again).
                var (_, command, _) = await HoldCommandAsync(desk, offeringId, current.MatchingRoundId, parallel: true, outsidePolicyReason, null,
                    replacing: 1, remembered: null);
                placed = await GrainFactory.GetGrain<IOfferingGrain>(offeringId).PlaceHolds(command!);
                break;
            }
            catch (MarketRuleException changed) when (changed.Code == RuleCode.RequestChanged && attempt < Attempts)
            {
                logger.LogInformation("Request {RequestId} changed while a swap was placed; judging again", RequestId);
            }
        }
        // Then the old place goes back: the holds there of the children just held elsewhere (siblings move together).
        HoldAt[] old;
        await using (var connection = await database.OpenAsync())
            old = [.. (await HoldAt.ActiveOfAsync(connection, null, placed.Select(p => p.RequestId))).Where(h => h.OfferingId == current.OfferingId)];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await GrainFactory.GetGrain<IOfferingGrain>(current.OfferingId).EndHolds(desk, [.. old.Select(h => h.HoldId)], "released");
                return new HoldSwap(placed, OldReleased: true);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or DbException)
            {
                if (attempt < ReleaseAttempts)
                {
                    // A node moving or the database away for a moment: the offering's grain is asked again shortly.
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt));
                    continue;
                }
                // Nothing is lost: the child holds the new place; the old hold stays until the desk releases it or it expires,
                // and the desk is told so (OldReleased false).
                logger.LogWarning(e, "Swap for request {RequestId}: the new hold stands, the old one at {OfferingId} could not be released", RequestId, current.OfferingId);
                return new HoldSwap(placed, OldReleased: false);
            }
        }
    }

    /// <summary>
    /// The child's side of a hold judged on what the grain remembers of the child (<paramref name="remembered"/>) or, without
    /// it, on the child, its siblings, the region's rules and the child's holds read in one round trip:
    /// the command for the offering's grain and the basis it was judged on. <paramref name="replacing"/>: holds of the
    /// child that this one replaces (a swap), not counted against the limits.
    /// </summary>
    private async Task<(HoldPlaced[]? Stored, HoldCommand? Command, HoldBasis? Basis)> HoldCommandAsync(Actor desk, Guid offeringId,
        Guid? matchingRoundId, bool parallel, string? outsidePolicyReason, IdempotentRequest? idempotency, int replacing, HoldBasis? remembered)
    {
        if (remembered is not null && idempotency is null && matchingRoundId is null)
            return (null, Judged(remembered), remembered);
        await using var connection = await database.OpenAsync();
        if (await Idempotency.StoredAsync<HoldPlaced[]>(connection, null, desk, idempotency) is { } stored)
            return (stored, null, null);
        if (matchingRoundId is not null && await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM matching_rounds WHERE id = @matchingRoundId AND region_code = @regionCode",
                new { matchingRoundId, regionCode = RegionCode }) == 0)
            throw MarketRuleException.NotFound("This matching round");
        var basis = remembered ?? await HoldBasis.ReadAsync(connection, RegionCode, RequestId) ?? throw MarketRuleException.NotFound("This open request");
        return (null, Judged(basis), basis);

        HoldCommand Judged(HoldBasis on)
        {
            var active = on.ActiveHolds.Count;
            var rules = on.Rules;
            if (on.ActiveHolds.Values.Contains(offeringId))
                throw new MarketRuleException(RuleCode.AlreadyHeldHere, "This child already has a hold on this place.", "offeringId");
            var others = active - replacing;
            if (others >= rules.MaxParallelHolds)
                throw new MarketRuleException(RuleCode.TooManyHolds,
                    $"This child already has {active} holds; the region allows {rules.MaxParallelHolds} at once.");
            if (others > 0 && !parallel)
                throw new MarketRuleException(RuleCode.ParallelHoldNeedsConfirmation,
                    $"This child already has {active} hold(s) waiting for a provider's answer. Another hold takes a second scarce place: " +
                    $"place it only deliberately, as a parallel hold (at most {rules.MaxParallelHolds} at once).", "parallel");
            return new HoldCommand(desk, on.Children, matchingRoundId, rules.HoldHours, idempotency, others, outsidePolicyReason,
                rules.AllowOutOfRegion, rules.AllowNonContracted, new HoldPremise(RequestId, active, rules.MaxParallelHolds));
        }
    }

    public async Task<Guid[]> Accept(Actor provider, Guid holdId, Guid offeringId, DateOnly startDate, IdempotentRequest? idempotency)
    {
        var acceptance = await GrainFactory.GetGrain<IOfferingGrain>(offeringId).Accept(provider, holdId, startDate, idempotency);
        await ReleaseAsync(provider, acceptance.StillActiveElsewhere);
        return acceptance.PlacedRequests;
    }

    /// <summary>The tenant rule: only the region's own desk (or whoever acts on its behalf) changes its requests.</summary>
    private void OfRegion(Actor actor)
    {
        if (actor.RegionCode != RegionCode) throw MarketRuleException.NotFound("This request");
    }

    /// <summary>Only a caseworker follows up a request (and only their own: the statements say caseworker_id); anyone else finds nothing.</summary>
    private static void OfCaseworker(Actor actor)
    {
        if (actor.Role != Roles.Caseworker) throw MarketRuleException.NotFound("This request");
    }

    /// <summary>
    /// Refuses what breaks a rule. An edit is judged against what is stored: a request stored before a rule existed (an
    /// adult under OTS, a BSN in a wish) stays editable in the fields the rule is not about, so an error the stored request
    /// has already, on a field the edit leaves alone, is not the edit's.
    /// </summary>
    private void Judge(RequestInput input, RequestInput? stored = null)
    {
        var validator = new RequestInputValidator(clock);
        var errors = validator.Validate(input).Errors.AsEnumerable();
        if (stored is not null)
        {
            var already = validator.Validate(stored).Errors.Select(e => (e.PropertyName, e.ErrorMessage)).ToHashSet();
            errors = errors.Where(e => !already.Contains((e.PropertyName, e.ErrorMessage)) || RequestInput.Differs(e.PropertyName, input, stored));
        }
        var refused = errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
        if (refused.Count > 0) throw MarketRuleException.Invalid(refused);
    }

    /// <summary>The rules that need the region's other requests and municipalities.</summary>
    private async Task JudgeInRegionAsync(DbConnection connection, DbTransaction transaction, RequestInput input, Guid? except, bool judgeHome)
    {
        // Case references are unique in a region regardless of letter case (RT-1 and rt-1 are one child).
        if (await connection.ExecuteScalarAsync<long>("""
                SELECT count(*) FROM requests
                WHERE region_code = @regionCode AND lower(case_reference) = lower(@caseReference) AND id <> @except
                """, new { regionCode = RegionCode, caseReference = input.CaseReference, except = except ?? Guid.Empty }, transaction) > 0)
            throw new MarketRuleException(RuleCode.CaseReferenceTaken,
                "The region already has a request with this case reference (a caseworker's: filed by their own institution).", "caseReference");
        if (input.MunicipalityId is not { } municipalityId) return;
        var centre = await connection.QuerySingleOrDefaultAsync<MunicipalityCentre>(
                "SELECT lat AS Lat, lon AS Lon FROM municipalities WHERE id = @municipalityId AND region_code = @regionCode",
                new { municipalityId, regionCode = RegionCode }, transaction)
            ?? throw new MarketRuleException(RuleCode.MunicipalityOutsideRegion, "This municipality is not one of the request's region.", "municipalityId");
        // No official PC4-to-gemeente table: the PC4's area must lie near the municipality (3011 is Rotterdam, not Aalten).
        var distance = PostcodeAreas.DistanceKm(input.HomePc4, centre.Lat, centre.Lon);
        if (judgeHome && (distance is null || distance > homeArea.MaxKm))
            throw new MarketRuleException(RuleCode.HomePc4OutsideMunicipality,
                $"The home PC4 {input.HomePc4} lies {(distance is { } km ? $"{km:0} km" : "unknown")} from the chosen municipality (at most {homeArea.MaxKm:0} km).",
                "homePc4");
    }

    /// <summary>
    /// A child joins a sibling group: the group's open members' rows move first (so a hold for the group judged before
    /// this fails on their versions, and one committed before is seen here), then a group waiting for an answer refuses.
    /// </summary>
    private async Task JoinGroupAsync(DbConnection connection, DbTransaction transaction, string group)
    {
        await SiblingGroups.TouchAsync(connection, transaction, RegionCode, group);
        if (await connection.ExecuteScalarAsync<long>("""
                SELECT count(*) FROM holds WHERE region_code = @regionCode AND sibling_group = @group AND status = 'active'
                """, new { regionCode = RegionCode, group }, transaction) > 0)
            throw new MarketRuleException(RuleCode.SiblingsHeld,
                "The sibling group has a hold waiting for a provider's answer; a child can join it once that is answered or released.", "siblingGroup");
    }

    private async Task<MarketRuleException> NotOpenAsync(DbConnection connection, DbTransaction transaction, string verb, Guid? caseworker = null)
    {
        // A caseworker learns nothing of a request they did not file, not even that it is closed.
        var status = caseworker is null
            ? await connection.QuerySingleOrDefaultAsync<string>("SELECT status FROM requests WHERE id = @requestId AND region_code = @regionCode",
                new { requestId = RequestId, regionCode = RegionCode }, transaction)
            : await connection.QuerySingleOrDefaultAsync<string>(
                "SELECT status FROM requests WHERE id = @requestId AND region_code = @regionCode AND caseworker_id = @caseworker",
                new { requestId = RequestId, regionCode = RegionCode, caseworker }, transaction);
        return status is null
            ? MarketRuleException.NotFound("This request")
            : new MarketRuleException(RuleCode.RequestNotOpen, $"This request is {status} and cannot be {verb}.");
    }

    private void Changed(ChangeRecord record, string status, long version) =>
        record.Publish(new MarketEvent(MarketEvent.RequestChanged, RegionCode, null, RequestId.ToString(), version,
            new RequestChangedPayload(RequestId, status, version)));

    private async Task CommitAsync(DbConnection connection, DbTransaction transaction, ChangeRecord record)
    {
        var changes = await record.CommitAsync(connection, transaction);
        feed.Publish(changes);
    }

    /// <summary>Releases holds through their offerings' grains. What fails here, the region's reconciler releases later.</summary>
    private async Task ReleaseAsync(Actor actor, IEnumerable<HoldAt> holds)
    {
        foreach (var atOffering in holds.GroupBy(h => h.OfferingId).OrderBy(g => g.Key))
        {
            try
            {
                await GrainFactory.GetGrain<IOfferingGrain>(atOffering.Key).EndHolds(actor, [.. atOffering.Select(h => h.HoldId)], "released");
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or DbException)
            {
                logger.LogWarning(e, "Could not release {Count} hold(s) at offering {OfferingId} yet; the region's reconciler will",
                    atOffering.Count(), atOffering.Key);
            }
        }
    }

    private static DynamicParameters Columns(RequestInput input, object extra)
    {
        var stored = input.Normalized();
        var parameters = new DynamicParameters(extra);
        parameters.AddDynamicParams(new
        {
            stored.CaseReference, stored.MeasureType, stored.MeasureStart, stored.Urgency, stored.CareType,
            needs = string.Join(",", stored.Needs!),
            NeedsSecure = stored.NeedsSecure ?? false, birthMonth = RequestInputValidator.ParseMonth(stored.BirthMonth), stored.Gender, stored.HomePc4,
            stored.HomeLat, stored.HomeLon, stored.MaxDistanceKm, stored.MunicipalityId,
            childWishes = stored.ChildWishes, parentWishes = stored.ParentWishes,
        });
        return parameters;
    }

    private sealed class CurrentHold
    {
        public Guid HoldId { get; init; }
        public Guid OfferingId { get; init; }
        public Guid? MatchingRoundId { get; init; }
    }

    private sealed class UrgencyFacts
    {
        public string Status { get; init; } = "";
        public string Urgency { get; init; } = "";
        public long Version { get; init; }
    }

    private sealed class DistanceFacts
    {
        public string Status { get; init; } = "";
        public int MaxDistanceKm { get; init; }
    }

    private sealed class MunicipalityCentre
    {
        public double Lat { get; init; }
        public double Lon { get; init; }
    }

    private sealed class EscalationFacts
    {
        public string Status { get; init; } = "";
        public DateTimeOffset? EscalatedAt { get; init; }
        public string? NetworkCode { get; init; }
        public string? NetworkName { get; init; }
    }
}
