namespace Matchmaker.Matching;

/// <summary>Free units of one offering (a kind of care at a location) as the matcher sees them.</summary>
public sealed record Place(
    string Id, string CareType, int Units, int MinAge, int MaxAge, IReadOnlyList<string> Genders, bool Secure,
    IReadOnlyList<string> Specialisms, double Lat, double Lon, string RegionId, IReadOnlyList<string> ContractedBy);

/// <summary>
/// One child's request (hulpvraag), with priority and waiting days already set by <see cref="PriorityPolicy"/>.
/// <paramref name="DeclinedPlaces"/>: places whose provider declined this child before; <paramref name="HeldPlaces"/>: places
/// that already hold a unit for this child. Neither is proposed to the child (again).
/// </summary>
public sealed record Request(
    string Id, string CareType, int Age, string Gender, int Priority, int WaitingDays, bool NeedsSecure,
    IReadOnlyList<string> Needs, double Lat, double Lon, double MaxDistanceKm, string RegionId, string? SiblingGroup,
    IReadOnlyList<string>? DeclinedPlaces = null, IReadOnlyList<string>? HeldPlaces = null);

/// <summary>What the region's purchasing policy allows: places outside the region, places it has not contracted.</summary>
public sealed record AllocationPolicy(bool AllowOutOfRegion, bool AllowNonContracted)
{
    public static readonly AllocationPolicy Unrestricted = new(true, true);
}

public sealed record MatchingInstance(IReadOnlyList<Place> Places, IReadOnlyList<Request> Requests, AllocationPolicy Policy);

/// <summary>Why a child was not placed.</summary>
public static class ReasonCodes
{
    public const string NoFeasiblePlace = "no-feasible-place";
    public const string CapacityTaken = "capacity-taken";
    public const string SiblingGroup = "sibling-group";
    public const string Policy = "policy";
}

/// <summary>One of a child's nearest feasible places, free or not: real choice and near misses for the desk.</summary>
public sealed record PlaceOption(string Place, double DistanceKm, int FreeUnits, bool AllowedByPolicy);

/// <summary>
/// One child's search again on the market as it is now: where the whole allocation would put it (<paramref name="ProposedPlace"/>,
/// null when nowhere), why, and its best places that have a unit free now (within the policy first, then nearest).
/// </summary>
public sealed record ChildSearch(string Request, string? ProposedPlace, string Explanation, IReadOnlyList<PlaceOption> FreePlaces);

public sealed record Assignment(string Request, string Place, double DistanceKm, string Explanation, IReadOnlyList<PlaceOption> Options);

public sealed record Unassigned(string Request, string Reason, string Explanation, IReadOnlyList<PlaceOption> Options);

/// <summary>The value of an allocation, level by level: children placed per priority, their waiting days, their distance.</summary>
public sealed record Objective(IReadOnlyList<int> AssignedByPriority, long WaitingDays, double DistanceKm);

/// <param name="BestPossible">
/// null when the allocation is proven best. Otherwise the search stopped at its limit (a dense market with many sibling
/// groups): the allocation keeps every rule and is the best found, and no allocation is better than this value.
/// </param>
public sealed record MatchingResult(
    IReadOnlyList<Assignment> Assignments, IReadOnlyList<Unassigned> Unassigned, Objective Objective, string PolicyVersion, long SolveMillis,
    Objective? BestPossible = null);

/// <summary>Where every request goes, by index into the instance: the place index (or -1) and the distance to it (0 when not placed).</summary>
public sealed record PlacedRequests(IReadOnlyList<int> PlaceOf, IReadOnlyList<double> DistanceKm);
