namespace Matchmaker.Silo.Market;

/// <summary>Who does something: a person, a system (API client) or Matchmaker itself, with role, region and organisation.</summary>
public sealed record Actor(Guid? Id, string Kind, string Role, string? RegionCode, Guid? OrganisationId)
{
    public static readonly Actor System = new(null, "system", "system", null, null);
}

/// <summary>
/// A market rule stops the change (HTTP 409), the thing is not there for this caller (404) or the caller may not
/// do it (403). Nothing was changed. Title and detail are shown to the caller.
/// </summary>
public sealed class MarketRuleException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;

    public static MarketRuleException NotFound(string what) => new(404, "Not found", $"{what} does not exist or is not yours to see.");
    public static MarketRuleException Conflict(string title, string detail) => new(409, title, detail);
}
