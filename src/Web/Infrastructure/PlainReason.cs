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
        PlainText.ReasonProblem.ControlCharacters => "De reden bevat een besturingsteken; gebruik gewone tekst.",
        PlainText.ReasonProblem.HiddenCharacters => "De reden bevat een onzichtbaar teken of een teken dat de leesrichting omdraait; gebruik gewone tekst.",
        PlainText.ReasonProblem.Bsn => "De reden bevat iets dat op een BSN lijkt (negen cijfers die de elfproef halen). Schrijf nooit een BSN; is het geen BSN, schrijf het getal dan anders.",
        _ => null,
    };
}
