namespace Matchmaker.Matching;

/// <summary>The hard rules: may this child go to this place at all (capacity aside)?</summary>
public static class Feasibility
{
    /// <summary>The rules a place can fail, in the words used in explanations.</summary>
    public enum Rule { CareType, Secure, Age, Gender, Needs, Distance, Declined, AlreadyHeld, Region, Contract }

    /// <summary>The first rule the pair breaks, or null when the child may go there. Policy rules only when <paramref name="policy"/> forbids.</summary>
    public static Rule? FirstBroken(Request request, Place place, double distanceKm, AllocationPolicy policy)
    {
        if (BrokenIgnoringPolicy(request, place, distanceKm) is { } rule) return rule;
        return BrokenPolicy(request, place, policy);
    }

    public static Rule? BrokenIgnoringPolicy(Request request, Place place, double distanceKm)
    {
        if (BrokenByKind(request, place) is { } rule) return rule;
        if (distanceKm > request.MaxDistanceKm) return Rule.Distance;
        return BrokenByHistory(request, place);
    }

    /// <summary>The rules of the kind of place: care type, security, age, gender and needs (first of the order above).</summary>
    internal static Rule? BrokenByKind(Request request, Place place)
    {
        if (!string.Equals(request.CareType, place.CareType, StringComparison.Ordinal)) return Rule.CareType;
        // A secure place needs a court authorisation: a child without one is never put there, and a child with one needs it.
        if (request.NeedsSecure != place.Secure) return Rule.Secure;
        if (request.Age < place.MinAge || request.Age > place.MaxAge) return Rule.Age;
        if (!Contains(place.Genders, request.Gender)) return Rule.Gender;
        foreach (var need in request.Needs)
            if (!Contains(place.Specialisms, need)) return Rule.Needs;
        return null;
    }

    /// <summary>The rules of this child's history with the place (last of the order above).</summary>
    internal static Rule? BrokenByHistory(Request request, Place place)
    {
        // The provider said no to this child here before: proposing it again would only repeat that answer.
        if (request.DeclinedPlaces is { Count: > 0 } declined && Contains(declined, place.Id)) return Rule.Declined;
        if (request.HeldPlaces is { Count: > 0 } held && Contains(held, place.Id)) return Rule.AlreadyHeld;
        return null;
    }

    public static Rule? BrokenPolicy(Request request, Place place, AllocationPolicy policy)
    {
        if (!policy.AllowOutOfRegion && !string.Equals(place.RegionId, request.RegionId, StringComparison.Ordinal)) return Rule.Region;
        if (!policy.AllowNonContracted && !Contains(place.ContractedBy, request.RegionId)) return Rule.Contract;
        return null;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
            if (string.Equals(item, value, StringComparison.Ordinal)) return true;
        return false;
    }
}
