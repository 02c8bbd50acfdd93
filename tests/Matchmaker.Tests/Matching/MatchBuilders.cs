using Request = Matchmaker.Matching.Request;
using Matchmaker.Matching;

namespace Matchmaker.Tests.Matching;

/// <summary>Small builders for hand-written matching cases; distances along one meridian (0.1 degree latitude is about 11.1 km).</summary>
public static class MatchBuilders
{
    public static Place Place(string id, int units = 1, double lat = 52.0, string careType = "residential", bool secure = false,
        int minAge = 0, int maxAge = 18, string[]? genders = null, string[]? specialisms = null, string region = "r01", string[]? contractedBy = null) =>
        new(id, careType, units, minAge, maxAge, genders ?? ["f", "m", "x"], secure, specialisms ?? [], lat, 5.0, region, contractedBy ?? ["r01"]);

    public static Request Child(string id, int priority = 3, int waitingDays = 10, double lat = 52.0, string careType = "residential",
        bool needsSecure = false, int age = 10, string gender = "f", string[]? needs = null, double maxDistanceKm = 100,
        string region = "r01", string? siblings = null) =>
        new(id, careType, age, gender, priority, waitingDays, needsSecure, needs ?? [], lat, 5.0, maxDistanceKm, region, siblings);

    public static MatchingResult Solve(Place[] places, Request[] requests, AllocationPolicy? policy = null) =>
        Matcher.Solve(new MatchingInstance(places, requests, policy ?? AllocationPolicy.Unrestricted));

    public static string? PlaceOf(this MatchingResult result, string request) =>
        result.Assignments.SingleOrDefault(a => a.Request == request)?.Place;

    public static Unassigned Left(this MatchingResult result, string request) =>
        result.Unassigned.Single(u => u.Request == request);
}
