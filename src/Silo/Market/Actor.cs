namespace Matchmaker.Silo.Market;

/// <summary>Who does something: a person, a system (API client) or Matchmaker itself, with role, region and organisation.</summary>
[GenerateSerializer, Immutable, Alias("mm.Actor")]
public sealed record Actor([property: Id(0)] Guid? Id, [property: Id(1)] string Kind, [property: Id(2)] string Role,
    [property: Id(3)] string? RegionCode, [property: Id(4)] Guid? OrganisationId)
{
    public static readonly Actor System = new(null, "system", "system", null, null);
}

/// <summary>
/// A market rule stops the change (HTTP 409), the thing is not there for this caller (404) or the caller may not
/// do it (403). Nothing was changed. Title and detail are shown to the caller. It crosses grain calls as it is.
/// </summary>
[GenerateSerializer, Alias("mm.MarketRuleException")]
public sealed class MarketRuleException : Exception
{
    public MarketRuleException(int status, string title, string detail) : base(detail)
    {
        Status = status;
        Title = title;
    }

    [Id(0)] public int Status { get; private set; }
    [Id(1)] public string Title { get; private set; }

    public static MarketRuleException NotFound(string what) => new(404, "Not found", $"{what} does not exist or is not yours to see.");
    public static MarketRuleException Conflict(string title, string detail) => new(409, title, detail);
}
