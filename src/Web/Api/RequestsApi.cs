using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using FluentValidation;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>A desk's requests (hulpvragen) for the children of its region. Every read of a child's request is audited.</summary>
public static partial class RequestsApi
{
    /// <summary>
    /// A request as the desk registers or edits it. The child is a pseudonymous case reference: never a name or BSN.
    /// The messages are Dutch: the desk's form shows them next to its fields.
    /// </summary>
    public sealed record RequestInput(
        string? CaseReference, string? MeasureType, DateOnly? MeasureStart, string? Urgency, string? CareType, string[]? Needs,
        bool? NeedsSecure, string? BirthMonth, string? Gender, string? HomePc4, double? HomeLat, double? HomeLon, int? MaxDistanceKm,
        string? SiblingGroup, string? ChildWishes, string? ParentWishes, Guid? MunicipalityId = null);

    public sealed class RequestInputValidator : AbstractValidator<RequestInput>
    {
        public RequestInputValidator(TimeProvider clock)
        {
            var today = () => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            RuleFor(x => x.CaseReference).NotEmpty().WithMessage("Vul het dossiernummer in.")
                .MaximumLength(40).WithMessage("Het dossiernummer is hoogstens 40 tekens.")
                .Must(reference => !LooksLikeBsn().IsMatch(reference ?? "")).WithMessage("Dit lijkt een BSN (8 of 9 cijfers). Gebruik het pseudonieme dossiernummer, nooit een BSN.")
                .Matches("^[A-Za-z0-9][A-Za-z0-9._/-]*$").When(x => !string.IsNullOrEmpty(x.CaseReference), ApplyConditionTo.CurrentValidator)
                .WithMessage("Het dossiernummer bestaat uit letters, cijfers en . _ / - (geen namen, geen spaties).");
            RuleFor(x => x.MeasureType).NotEmpty().WithMessage("Kies de maatregel.")
                .Must(m => MeasureTypes.All.Contains(m!)).When(x => x.MeasureType is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage(x => $"Maatregel '{x.MeasureType}' bestaat niet; kies uit {string.Join(", ", MeasureTypes.All.Order())}.");
            RuleFor(x => x.MeasureStart).NotNull().WithMessage("Vul de startdatum van de maatregel in.")
                .Must(d => d <= today()).WithMessage("De startdatum van de maatregel kan niet in de toekomst liggen.")
                .Must(d => d > today().AddYears(-18)).WithMessage("De startdatum van de maatregel ligt hoogstens 18 jaar terug.")
                .Must((x, d) => ParseMonth(x.BirthMonth) is not { } born || d >= born).WithMessage("De maatregel kan niet vóór de geboortemaand zijn begonnen.");
            RuleFor(x => x.Urgency).NotEmpty().WithMessage("Kies de urgentie.")
                .Must(u => Urgencies.All.Contains(u!)).When(x => x.Urgency is not null, ApplyConditionTo.CurrentValidator).WithMessage("De urgentie is crisis, urgent of regular.");
            RuleFor(x => x.CareType).NotEmpty().WithMessage("Kies de zorgvorm.")
                .Must(c => CareTypes.All.Contains(c!)).When(x => x.CareType is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage(x => $"Zorgvorm '{x.CareType}' bestaat niet; kies uit {string.Join(", ", CareTypes.All.Order())}.");
            RuleForEach(x => x.Needs).Must(n => Specialisms.All.Contains(n))
                .WithMessage((_, need) => $"Zorgbehoefte '{need}' bestaat niet; kies uit {string.Join(", ", Specialisms.All)}.");
            RuleFor(x => x.NeedsSecure).Equal(x => x.CareType == CareTypes.Secure).When(x => x.CareType is not null && x.NeedsSecure is not null)
                .WithMessage("needsSecure is waar als de zorgvorm gesloten jeugdhulp (secure) is, en alleen dan.");
            RuleFor(x => x.MeasureType).Equal(MeasureTypes.SecureCareAuthorisation).When(x => x.NeedsSecure == true)
                .WithMessage("Gesloten jeugdhulp kan alleen met een machtiging gesloten jeugdhulp van de rechter: kies die maatregel.");
            RuleFor(x => x.BirthMonth).NotEmpty().WithMessage("Vul de geboortemaand in (jjjj-mm).")
                .Must(b => ParseMonth(b) is { } month && month <= today() && month > today().AddYears(-24))
                .When(x => !string.IsNullOrEmpty(x.BirthMonth), ApplyConditionTo.CurrentValidator).WithMessage("De geboortemaand is een maand (jjjj-mm) in de laatste 24 jaar, niet in de toekomst.");
            RuleFor(x => x.Gender).NotEmpty().WithMessage("Kies het gender.")
                .Must(g => g is "f" or "m" or "x").When(x => x.Gender is not null, ApplyConditionTo.CurrentValidator).WithMessage("Het gender is f, m of x.");
            RuleFor(x => x.HomePc4).NotEmpty().WithMessage("Vul het postcodegebied in.")
                .Matches("^[1-9][0-9]{3}$").When(x => x.HomePc4 is not null, ApplyConditionTo.CurrentValidator).WithMessage("Het postcodegebied is de vier cijfers van een Nederlandse postcode.");
            RuleFor(x => x.HomeLat).NotNull().WithMessage("Kies de woongemeente (homeLat ontbreekt).").InclusiveBetween(50.5, 53.8).WithMessage("De woonplek ligt in Nederland (homeLat tussen 50,5 en 53,8).");
            RuleFor(x => x.HomeLon).NotNull().WithMessage("Kies de woongemeente (homeLon ontbreekt).").InclusiveBetween(3.2, 7.3).WithMessage("De woonplek ligt in Nederland (homeLon tussen 3,2 en 7,3).");
            RuleFor(x => x.MaxDistanceKm).NotNull().WithMessage("Vul de maximale afstand in.").InclusiveBetween(1, 400).WithMessage("De maximale afstand ligt tussen 1 en 400 km.");
            RuleFor(x => x.SiblingGroup).WithoutControlCharacters();
            RuleFor(x => x.SiblingGroup).MaximumLength(40).WithMessage("De broers/zussen-code is hoogstens 40 tekens.");
            RuleFor(x => x.ChildWishes).WithoutControlCharacters();
            RuleFor(x => x.ChildWishes).MaximumLength(2000).WithMessage("De wensen van het kind zijn hoogstens 2000 tekens.");
            RuleFor(x => x.ParentWishes).WithoutControlCharacters();
            RuleFor(x => x.ParentWishes).MaximumLength(2000).WithMessage("De wensen van de ouders zijn hoogstens 2000 tekens.");
        }
    }

    [GeneratedRegex("^[0-9]{8,9}$")]
    private static partial Regex LooksLikeBsn();

    public static DateOnly? ParseMonth(string? month) =>
        DateOnly.TryParseExact($"{month}-01", "yyyy-MM-dd", out var date) ? date : null;

    public sealed class RequestView
    {
        public Guid Id { get; init; }
        public string RegionCode { get; init; } = "";
        public string CaseReference { get; init; } = "";
        public string MeasureType { get; init; } = "";
        public DateOnly MeasureStart { get; init; }
        public string Urgency { get; init; } = "";
        public string CareType { get; init; } = "";
        public string Needs { get; init; } = "";
        public bool NeedsSecure { get; init; }
        public DateOnly BirthMonth { get; init; }
        public string Gender { get; init; } = "";
        public string HomePc4 { get; init; } = "";
        public double HomeLat { get; init; }
        public double HomeLon { get; init; }
        public int MaxDistanceKm { get; init; }
        public string? SiblingGroup { get; init; }
        /// <summary>The municipality the child lives in, when known.</summary>
        public Guid? MunicipalityId { get; init; }
        public string ChildWishes { get; init; } = "";
        public string ParentWishes { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTimeOffset RegisteredAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public long Version { get; init; }
        public int ActiveHolds { get; init; }
        public int Priority { get; set; }
        public int WaitingDays { get; set; }
        public int DaysOverThreeMonthNorm { get; set; }
        /// <summary>within, over-5-working-days, over-6-weeks or over-3-months: the last of the three norms passed.</summary>
        public string NormStatus { get; set; } = "";
        /// <summary>Why the priority is above the urgency: provisional-supervision, over-3-months, or null.</summary>
        public string? PriorityRaisedBecause { get; set; }
        /// <summary>The caseworker who filed the request, when a caseworker did (else the desk registered it).</summary>
        public Guid? CaseworkerId { get; init; }
        /// <summary>When the desk escalated the child beyond the region, and why.</summary>
        public DateTimeOffset? EscalatedAt { get; init; }
        public string? EscalationReason { get; init; }

        public RequestInput ToInput() => new(CaseReference, MeasureType, MeasureStart, Urgency, CareType, Needs.Split(',', StringSplitOptions.RemoveEmptyEntries),
            NeedsSecure, BirthMonth.ToString("yyyy-MM"), Gender, HomePc4, HomeLat, HomeLon, MaxDistanceKm, SiblingGroup, ChildWishes, ParentWishes,
            MunicipalityId);
    }

    private const string SelectView = """
        SELECT r.id AS Id, r.region_code AS RegionCode, r.case_reference AS CaseReference, r.measure_type AS MeasureType,
               r.measure_start AS MeasureStart, r.urgency AS Urgency, r.care_type AS CareType, r.needs AS Needs, r.needs_secure AS NeedsSecure,
               r.birth_month AS BirthMonth, r.gender AS Gender, r.home_pc4 AS HomePc4, r.home_lat AS HomeLat, r.home_lon AS HomeLon,
               r.max_distance_km AS MaxDistanceKm, r.sibling_group AS SiblingGroup, r.municipality_id AS MunicipalityId,
               r.child_wishes AS ChildWishes, r.parent_wishes AS ParentWishes,
               r.status AS Status, r.registered_at AS RegisteredAt, r.closed_at AS ClosedAt, r.version AS Version,
               r.caseworker_id AS CaseworkerId, r.escalated_at AS EscalatedAt, r.escalation_reason AS EscalationReason,
               (SELECT count(*) FROM holds h WHERE h.request_id = r.id AND h.status = 'active') AS ActiveHolds
        FROM requests r
        """;

    public static void MapRequestsApi(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/regions/{regionCode}/requests").RequireAuthorization(Policies.Desk);
        requests.MapPost("", CreateAsync).RequireScope(Silo.Access.Scopes.RequestsWrite)
            .Describe("registerRequest", "Registers a request for a child of the region, under a pseudonymous case reference (never a name or BSN).");
        requests.MapGet("", ListAsync).RequireScope(Silo.Access.Scopes.RequestsRead)
            .Describe("listRequests", "The region's requests by priority and waiting time (default: open). The read is audited.");
        requests.MapGet("/{requestId:guid}", GetAsync).RequireScope(Silo.Access.Scopes.RequestsRead)
            .Describe("getRequest", "One request of the region. The read is audited.");
        requests.MapPatch("/{requestId:guid}", UpdateAsync).RequireScope(Silo.Access.Scopes.RequestsWrite)
            .Describe("editRequest", "Edits an open request: the fields sent replace the stored ones, and the result is validated as a whole.");
        requests.MapDelete("/{requestId:guid}", WithdrawAsync).RequireScope(Silo.Access.Scopes.RequestsWrite)
            .Describe("withdrawRequest", "Withdraws an open request and releases its holds. Optional reason (kept in the audit and the dossier): no-longer-needed, placed-elsewhere, measure-ended, duplicate, other.");
    }

    private static IResult RequestNotFound() =>
        TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This request does not exist or is not yours to see.");

    /// <summary>What a write of a request came to: the request, or the field errors, or a conflict; nothing is changed unless a request comes back.</summary>
    public sealed record WriteOutcome(RequestView? Request, IDictionary<string, string[]>? Errors, string? Conflict, bool NotFound = false);

    private static IResult ToResult(WriteOutcome outcome, Func<RequestView, IResult> ok) => outcome switch
    {
        { NotFound: true } => RequestNotFound(),
        { Errors: { } errors } => ApiProblems.Invalid(errors),
        { Conflict: { } conflict } => TypedResults.Problem(statusCode: 409, title: "Conflict", detail: conflict),
        { Request: { } request } => ok(request),
        _ => throw new InvalidOperationException("An outcome has a request, errors, a conflict or not-found."),
    };

    private static async Task<IResult> CreateAsync(string regionCode, RequestInput input, HttpContext context, Database database, Journal journal,
        LiveFeed feed, TimeProvider clock)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        var outcome = await RegisterAsync(caller, regionCode, input, database, journal, feed, clock);
        return ToResult(outcome, request => TypedResults.Created($"/api/v1/regions/{regionCode}/requests/{request.Id}", request));
    }

    /// <summary>Registers a request for a child of the region (API, the desk's form, and a caseworker filing one for their child).</summary>
    public static async Task<WriteOutcome> RegisterAsync(Caller caller, string regionCode, RequestInput input, Database database, Journal journal,
        LiveFeed feed, TimeProvider clock)
    {
        var validation = new RequestInputValidator(clock).Validate(input);
        if (!validation.IsValid) return new WriteOutcome(null, validation.ToDictionary(), null);
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        if (await CaseReferenceTakenAsync(connection, transaction, regionCode, input.CaseReference!, except: null))
            return CaseReferenceConflict(input.CaseReference!);
        if (await MunicipalityOutsideRegionAsync(connection, transaction, regionCode, input.MunicipalityId) is { } wrongMunicipality)
            return wrongMunicipality;
        await connection.ExecuteAsync("""
            INSERT INTO requests (id, region_code, case_reference, measure_type, measure_start, urgency, care_type, needs, needs_secure,
                                  birth_month, gender, home_pc4, home_lat, home_lon, max_distance_km, sibling_group, child_wishes,
                                  parent_wishes, municipality_id, status, registered_at, created_by, caseworker_id, version)
            VALUES (@id, @regionCode, @CaseReference, @MeasureType, @MeasureStart, @Urgency, @CareType, @needs, @NeedsSecure,
                    @birthMonth, @Gender, @HomePc4, @HomeLat, @HomeLon, @MaxDistanceKm, @siblingGroup, @childWishes,
                    @parentWishes, @MunicipalityId, 'open', @now, @createdBy, @caseworkerId, 1)
            """, Parameters(input, new { id, regionCode, now, createdBy = caller.Id,
                caseworkerId = caller.Role == Silo.Access.Roles.Caseworker ? caller.Id : (Guid?)null }), transaction);
        var record = journal.Record();
        record.Audit(caller.ToActor(), "request-registered", "request", id.ToString(), regionCode, input.CaseReference);
        record.Publish(new MarketEvent(MarketEvent.RequestChanged, regionCode, null, id.ToString(), 1, new RequestChangedPayload(id, "open", 1)));
        var changes = await record.WriteAsync(connection, transaction);
        await transaction.CommitAsync();
        feed.Publish(changes);
        return new WriteOutcome(await ReadAsync(database, regionCode, id, clock), null, null);
    }

    /// <summary>Case references are unique in a region regardless of letter case (RT-1 and rt-1 are one child).</summary>
    private static async Task<bool> CaseReferenceTakenAsync(DbConnection connection, DbTransaction transaction, string regionCode, string caseReference,
        Guid? except) =>
        await connection.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM requests
            WHERE region_code = @regionCode AND lower(case_reference) = lower(@caseReference) AND id <> @except
            """, new { regionCode, caseReference, except = except ?? Guid.Empty }, transaction) > 0;

    private static WriteOutcome CaseReferenceConflict(string caseReference) =>
        new(null, new Dictionary<string, string[]> { ["caseReference"] = [$"De regio heeft al een hulpvraag met dossiernummer '{caseReference}'."] }, null);

    private static async Task<IResult> ListAsync(string regionCode, string? status, string? careType, HttpContext context, Database database,
        Journal journal, TimeProvider clock)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        var errors = new Dictionary<string, string[]>();
        if (status is not null && status is not ("open" or "placed" or "withdrawn")) errors["status"] = ["status is open, placed or withdrawn."];
        if (careType is not null && !CareTypes.All.Contains(careType)) errors["careType"] = [$"careType is one of {string.Join(", ", CareTypes.All.Order())}."];
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var list = await ListByPriorityAsync(database, regionCode, status ?? "open", careType, clock);
        await AuditListedAsync(database, journal, caller, regionCode, list);
        return TypedResults.Ok(list);
    }

    /// <summary>The region's requests by priority and waiting time. The caller audits what it shows (<see cref="AuditListedAsync"/>).</summary>
    public static async Task<List<RequestView>> ListByPriorityAsync(Database database, string regionCode, string? status, string? careType, TimeProvider clock)
    {
        await using var connection = await database.OpenAsync();
        var list = (await connection.QueryAsync<RequestView>(SelectView + """
             WHERE r.region_code = @regionCode AND (@status IS NULL OR r.status = @status) AND (@careType IS NULL OR r.care_type = @careType)
             ORDER BY r.registered_at, r.id
            """, new { regionCode, status, careType })).ToList();
        foreach (var request in list) WithPriority(request, clock);
        return list.OrderBy(r => r.Priority).ThenByDescending(r => r.WaitingDays).ThenBy(r => r.CaseReference, StringComparer.Ordinal).ToList();
    }

    /// <summary>A list read is audited with every case reference shown.</summary>
    public static async Task AuditListedAsync(Database database, Journal journal, Caller caller, string regionCode, IEnumerable<RequestView> shown)
    {
        await using var connection = await database.OpenAsync();
        await journal.AuditAsync(connection, null, caller.ToActor(), "requests-listed", "request", null, regionCode,
            string.Join(",", shown.Select(r => r.CaseReference)));
    }

    private static async Task<IResult> GetAsync(string regionCode, Guid requestId, HttpContext context, Database database, Journal journal, TimeProvider clock)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        var request = await ReadAsync(database, regionCode, requestId, clock);
        if (request is null) return RequestNotFound();
        await using var connection = await database.OpenAsync();
        await journal.AuditAsync(connection, null, caller.ToActor(), "request-read", "request", requestId.ToString(), regionCode, request.CaseReference);
        return TypedResults.Ok(request);
    }

    private static async Task<IResult> UpdateAsync(string regionCode, Guid requestId, RequestInput patch, HttpContext context, Database database,
        Journal journal, LiveFeed feed, TimeProvider clock)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        return ToResult(await EditAsync(caller, regionCode, requestId, patch, database, journal, feed, clock), request => TypedResults.Ok(request));
    }

    /// <summary>Edits an open request: the fields given replace the stored ones; the result is validated as a whole.</summary>
    public static async Task<WriteOutcome> EditAsync(Caller caller, string regionCode, Guid requestId, RequestInput patch, Database database,
        Journal journal, LiveFeed feed, TimeProvider clock)
    {
        var current = await ReadAsync(database, regionCode, requestId, clock);
        if (current is null) return new WriteOutcome(null, null, null, NotFound: true);
        if (current.Status != "open")
            return new WriteOutcome(null, null, $"This request is {current.Status} and can no longer be edited.");
        var merged = Merge(current.ToInput(), patch);
        var validation = new RequestInputValidator(clock).Validate(merged);
        if (!validation.IsValid) return new WriteOutcome(null, validation.ToDictionary(), null);

        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        if (await CaseReferenceTakenAsync(connection, transaction, regionCode, merged.CaseReference!, except: requestId))
            return CaseReferenceConflict(merged.CaseReference!);
        if (await MunicipalityOutsideRegionAsync(connection, transaction, regionCode, merged.MunicipalityId) is { } wrongMunicipality)
            return wrongMunicipality;
        var version = await connection.QuerySingleOrDefaultAsync<long?>("""
            UPDATE requests SET case_reference = @CaseReference, measure_type = @MeasureType, measure_start = @MeasureStart, urgency = @Urgency,
                care_type = @CareType, needs = @needs, needs_secure = @NeedsSecure, birth_month = @birthMonth, gender = @Gender,
                home_pc4 = @HomePc4, home_lat = @HomeLat, home_lon = @HomeLon, max_distance_km = @MaxDistanceKm,
                sibling_group = @siblingGroup, child_wishes = @childWishes, parent_wishes = @parentWishes, municipality_id = @MunicipalityId,
                version = version + 1
            WHERE id = @requestId AND region_code = @regionCode AND status = 'open' AND version = @expectedVersion
            RETURNING version
            """, Parameters(merged, new { requestId, regionCode, expectedVersion = current.Version }), transaction);
        if (version is null)
            return new WriteOutcome(null, null, "The request was changed or closed meanwhile; read it again.");
        var record = journal.Record();
        record.Audit(caller.ToActor(), "request-edited", "request", requestId.ToString(), regionCode, merged.CaseReference);
        record.Publish(new MarketEvent(MarketEvent.RequestChanged, regionCode, null, requestId.ToString(), version.Value,
            new RequestChangedPayload(requestId, "open", version.Value)));
        var changes = await record.WriteAsync(connection, transaction);
        await transaction.CommitAsync();
        feed.Publish(changes);
        return new WriteOutcome(await ReadAsync(database, regionCode, requestId, clock), null, null);
    }

    private static async Task<IResult> WithdrawAsync(string regionCode, Guid requestId, string? reason, HttpContext context, Database database, IGrainFactory grains)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        if (reason is not null && !Pages.Desk.ChildTimeline.WithdrawReasons.ContainsKey(reason))
            return ApiProblems.Invalid("reason", $"reason is one of {string.Join(", ", Pages.Desk.ChildTimeline.WithdrawReasons.Keys)}.");
        return await grains.WithdrawRequestAsync(database, caller.ToActor(), requestId, reason) ? TypedResults.NoContent() : RequestNotFound();
    }

    public static async Task<RequestView?> ReadAsync(Database database, string regionCode, Guid requestId, TimeProvider clock)
    {
        await using var connection = await database.OpenAsync();
        var request = await connection.QuerySingleOrDefaultAsync<RequestView>(SelectView + " WHERE r.id = @requestId AND r.region_code = @regionCode",
            new { requestId, regionCode });
        return request is null ? null : WithPriority(request, clock);
    }

    private static RequestView WithPriority(RequestView request, TimeProvider clock)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        (request.Priority, request.WaitingDays) = PriorityPolicy.Compute(request.Urgency, request.MeasureType, request.MeasureStart, today);
        request.DaysOverThreeMonthNorm = WaitingNorms.DaysOverThreeMonths(request.MeasureStart, today);
        request.NormStatus = WaitingNorms.Code(WaitingNorms.Of(request.MeasureStart, today));
        request.PriorityRaisedBecause = PriorityPolicy.RaisedBecause(request.Urgency, request.MeasureType, request.MeasureStart, today);
        return request;
    }

    /// <summary>A municipality that is not one of the region's: a field error, as a wrong value in any other field.</summary>
    private static async Task<WriteOutcome?> MunicipalityOutsideRegionAsync(DbConnection connection, DbTransaction transaction, string regionCode, Guid? municipalityId)
    {
        if (municipalityId is null) return null;
        var known = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM municipalities WHERE id = @municipalityId AND region_code = @regionCode",
            new { municipalityId, regionCode }, transaction);
        return known > 0 ? null : new WriteOutcome(null, new Dictionary<string, string[]> { ["municipalityId"] = ["Deze gemeente hoort niet bij de regio van de aanvraag."] }, null);
    }

    private static RequestInput Merge(RequestInput current, RequestInput patch) => new(
        patch.CaseReference ?? current.CaseReference, patch.MeasureType ?? current.MeasureType, patch.MeasureStart ?? current.MeasureStart,
        patch.Urgency ?? current.Urgency, patch.CareType ?? current.CareType, patch.Needs ?? current.Needs, patch.NeedsSecure ?? current.NeedsSecure,
        patch.BirthMonth ?? current.BirthMonth, patch.Gender ?? current.Gender, patch.HomePc4 ?? current.HomePc4, patch.HomeLat ?? current.HomeLat,
        patch.HomeLon ?? current.HomeLon, patch.MaxDistanceKm ?? current.MaxDistanceKm, patch.SiblingGroup ?? current.SiblingGroup,
        patch.ChildWishes ?? current.ChildWishes, patch.ParentWishes ?? current.ParentWishes, patch.MunicipalityId ?? current.MunicipalityId);

    private static DynamicParameters Parameters(RequestInput input, object extra)
    {
        var parameters = new DynamicParameters(extra);
        parameters.AddDynamicParams(new
        {
            input.CaseReference, input.MeasureType, input.MeasureStart, input.Urgency, input.CareType,
            needs = string.Join(",", (input.Needs ?? []).Distinct().Order(StringComparer.Ordinal)),
            NeedsSecure = input.NeedsSecure ?? false, birthMonth = ParseMonth(input.BirthMonth), input.Gender, input.HomePc4,
            input.HomeLat, input.HomeLon, input.MaxDistanceKm, input.MunicipalityId,
            siblingGroup = string.IsNullOrWhiteSpace(input.SiblingGroup) ? null : input.SiblingGroup.Trim(),
            childWishes = input.ChildWishes ?? "", parentWishes = input.ParentWishes ?? "",
        });
        return parameters;
    }
}
