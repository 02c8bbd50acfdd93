using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Offerings;

/// <summary>How a provider answers a proposal: the rules its offering's grain judges before anything is written.</summary>
public static class Answers
{
    /// <summary>Why a provider declines; kept for the shortage figures.</summary>
    public static readonly IReadOnlyList<string> DeclineReasons = ["no-capacity", "needs-not-met", "group-composition", "safety", "distance", "other"];

    public const int MaxNoteLength = 2000;

    /// <summary>A child starts at most 90 days back (a placement already under way) and at most a year ahead.</summary>
    public static void JudgeStartDate(DateOnly startDate, DateOnly today)
    {
        if (startDate < today.AddDays(-90) || startDate > today.AddYears(1))
            throw MarketRuleException.Invalid("startDate",
                $"startDate lies between {today.AddDays(-90):yyyy-MM-dd} (90 days ago) and {today.AddYears(1):yyyy-MM-dd} (a year ahead).");
    }

    public static void JudgeDecline(string? reason, string? note)
    {
        var problems = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(reason)) problems["reason"] = ["reason is required."];
        else if (!DeclineReasons.Contains(reason)) problems["reason"] = [$"reason must be one of {string.Join(", ", DeclineReasons)}."];
        if (PlainText.ProblemWith(note, "note") is { } notPlain) problems["note"] = [notPlain];
        else if (note?.Length > MaxNoteLength) problems["note"] = [$"note is at most {MaxNoteLength} characters."];
        else if (reason == "other" && string.IsNullOrWhiteSpace(note)) problems["note"] = ["note is required when the reason is other."];
        if (problems.Count > 0) throw MarketRuleException.Invalid(problems);
    }
}
