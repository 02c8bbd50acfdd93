using FluentValidation;

namespace Matchmaker.Silo.Market;

/// <summary>Free text that people type (reasons, notes, wishes): what the engine accepts of it.</summary>
public static class PlainText
{
    /// <summary>The longest reason (why a child is escalated, siblings split, a place held outside policy).</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Line breaks and tabs are text; other control characters are not (PostgreSQL refuses NUL; none belongs in a note).</summary>
    public static bool HasControlCharacters(string? text) =>
        text is not null && text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));

    public enum ReasonProblem { Missing, TooLong, ControlCharacters }

    /// <summary>What is wrong with a reason someone gives for a decision, or null when it will do.</summary>
    public static ReasonProblem? ProblemWithReason(string? reason) => reason?.Trim() switch
    {
        null or "" => ReasonProblem.Missing,
        { Length: > MaxReasonLength } => ReasonProblem.TooLong,
        var text when HasControlCharacters(text) => ReasonProblem.ControlCharacters,
        _ => null,
    };

    /// <summary>The owner's check of a reason: refused as invalid input on <paramref name="field"/>, with the problem in English.</summary>
    public static string JudgeReason(string? reason, string field = "reason") => ProblemWithReason(reason) switch
    {
        ReasonProblem.Missing => throw MarketRuleException.Invalid(field, $"{field} is required."),
        ReasonProblem.TooLong => throw MarketRuleException.Invalid(field, $"{field} is at most {MaxReasonLength} characters."),
        ReasonProblem.ControlCharacters => throw MarketRuleException.Invalid(field, $"{field} has a control character; send plain text."),
        _ => reason!.Trim(),
    };

    public static IRuleBuilderOptions<T, string?> WithoutControlCharacters<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => !HasControlCharacters(text)).WithMessage("{PropertyName} bevat een besturingsteken; gebruik gewone tekst.");
}
