using Matchmaker.Silo.Market;

namespace Matchmaker.Web.Infrastructure;

/// <summary>A reason typed on a page (why a child is escalated, siblings split, a place held outside policy), judged by the engine's rule.</summary>
public static class PlainReason
{
    /// <summary>The Dutch message for what is wrong with the reason, or null when it will do.</summary>
    public static string? ProblemWith(string? reason, string whenMissing) => PlainText.ProblemWithReason(reason) switch
    {
        PlainText.ReasonProblem.Missing => whenMissing,
        PlainText.ReasonProblem.TooLong => $"De reden is hooguit {PlainText.MaxReasonLength} tekens.",
        PlainText.ReasonProblem.ControlCharacters or PlainText.ReasonProblem.HiddenCharacters or PlainText.ReasonProblem.Bsn =>
            PlainText.DutchProblemWith(reason!.Trim(), "De reden"),
        _ => null,
    };
}
