namespace Matchmaker.Web.Infrastructure;

/// <summary>A reason typed on a page (why a child is escalated, siblings split, a place held outside policy): plain text, at most 500 characters.</summary>
public static class PlainReason
{
    public const int MaxLength = 500;

    /// <summary>The Dutch message for what is wrong with the reason, or null when it will do.</summary>
    public static string? ProblemWith(string? reason, string whenMissing) => reason?.Trim() switch
    {
        null or "" => whenMissing,
        { Length: > MaxLength } => $"De reden is hooguit {MaxLength} tekens.",
        var text when text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) => "De reden bevat een besturingsteken; gebruik gewone tekst.",
        _ => null,
    };
}
