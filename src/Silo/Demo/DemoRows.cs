namespace Matchmaker.Silo.Demo;

// The rows the demo writes, named as the columns they fill (see db/migrations/*/0001_*.sql).

/// <summary>A region, with its desk's functional phone number and mailbox (demo values: never a person's).</summary>
public sealed record RegionRow(string Code, string Name, double Lat, double Lon, string? DeskPhone, string DeskEmail);
/// <summary>Children (0 to 17) of a region on 1 January of a year, as an operator would load them from CBS.</summary>
public sealed record PopulationRow(string RegionCode, int Year, int Children, DateTimeOffset LoadedAt);
public sealed record MunicipalityRow(Guid Id, string RegionCode, string Name, double Lat, double Lon);
public sealed record OrganisationRow(Guid Id, string Kind, string Name, string? RegionCode, Guid? MunicipalityId);
public sealed record UserRow(Guid Id, string Email, string DisplayName, string Role, string? RegionCode, Guid? OrganisationId, DateTimeOffset CreatedAt);
public sealed record ApiClientRow(Guid Id, string Name, string Token, string Role, string? RegionCode, Guid? OrganisationId, string Scopes, DateTimeOffset CreatedAt);
public sealed record LocationRow(Guid Id, Guid ProviderId, string Name, Guid MunicipalityId, string RegionCode, string Pc4, double Lat, double Lon);

public sealed record OfferingRow(
    Guid Id, Guid LocationId, Guid ProviderId, string CareType, string? Subtype, int MinAge, int MaxAge, string Genders,
    bool Secure, string Specialisms, int TotalUnits, int OccupiedUnits, int HeldUnits, DateOnly? EarliestStart, DateTimeOffset LastConfirmedAt);

public sealed record ContractRow(string RegionCode, Guid OfferingId, bool BudgetCeilingReached, DateOnly ValidFrom);

public sealed record RequestRow(
    Guid Id, string RegionCode, string CaseReference, string MeasureType, DateOnly MeasureStart, string Urgency, string CareType,
    string Needs, bool NeedsSecure, DateOnly BirthMonth, string Gender, string HomePc4, double HomeLat, double HomeLon,
    int MaxDistanceKm, string? SiblingGroup, string ChildWishes, string ParentWishes, string Status,
    DateTimeOffset RegisteredAt, DateTimeOffset? ClosedAt, Guid? CreatedBy, Guid? MunicipalityId = null,
    Guid? CaseworkerId = null, DateTimeOffset? EscalatedAt = null, string? EscalationReason = null);

public sealed record HoldRow(
    Guid Id, string RegionCode, Guid RequestId, Guid OfferingId, string Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? AnsweredAt, string? DeclineReason, string? DeclineNote, Guid? CreatedBy);

public sealed record PlacementRow(
    Guid Id, string RegionCode, Guid RequestId, Guid OfferingId, DateOnly StartDate, DateOnly? EndDate, string? EndReason,
    bool SecondBest, DateTimeOffset CreatedAt);
