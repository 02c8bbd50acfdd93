using FluentValidation;

namespace Matchmaker.Silo.Market;

/// <summary>
/// Free text that people type (reasons, notes, wishes, contacts): what the engine accepts of it. One check for every
/// such field, in the owner's validators, so no door skips it.
/// </summary>
public static class PlainText
{
    /// <summary>The longest reason (why a child is escalated, siblings split, a place held outside policy).</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Line breaks and tabs are text; other control characters are not (PostgreSQL refuses NUL; none belongs in a note).</summary>
    public static bool HasControlCharacters(string? text) =>
        text is not null && text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));

    /// <summary>
    /// Characters that are not seen but change what is seen: bidirectional embeddings, overrides and isolates
    /// (U+202A-202E, U+2066-2069; U+202E shows "reden: geen" as something else to the next reader), the directional
    /// marks (U+200E, U+200F, U+061C) that turn the order of words and numbers around them, and zero-width characters
    /// (U+200B-200D, U+2060, U+FEFF) that make two texts look the same.
    /// </summary>
    public static bool HasHiddenCharacters(string? text) =>
        text is not null && text.Any(c => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or (>= '\u200B' and <= '\u200F')
            or '\u061C' or '\u2060' or '\uFEFF');

    /// <summary>The shared check: neither control characters nor hidden ones.</summary>
    public static bool IsPlain(string? text) => !HasControlCharacters(text) && !HasHiddenCharacters(text);

    /// <summary>What is wrong with a free-text field that is not plain, in English for the API; null when it is plain.</summary>
    public static string? ProblemWith(string? text, string field) =>
        HasControlCharacters(text) ? $"{field} has a control character; send plain text."
        : HasHiddenCharacters(text) ? $"{field} has an invisible or direction-changing character (U+061C, U+200B-200F, U+202A-202E, U+2060, U+2066-2069, U+FEFF); send plain text."
        : null;

    public enum ReasonProblem { Missing, TooLong, ControlCharacters, HiddenCharacters }

    /// <summary>What is wrong with a reason someone gives for a decision, or null when it will do.</summary>
    public static ReasonProblem? ProblemWithReason(string? reason) => reason?.Trim() switch
    {
        null or "" => ReasonProblem.Missing,
        { Length: > MaxReasonLength } => ReasonProblem.TooLong,
        var text when HasControlCharacters(text) => ReasonProblem.ControlCharacters,
        var text when HasHiddenCharacters(text) => ReasonProblem.HiddenCharacters,
        _ => null,
    };

    /// <summary>The owner's check of a reason: refused as invalid input on <paramref name="field"/>, with the problem in English.</summary>
    public static string JudgeReason(string? reason, string field = "reason") => ProblemWithReason(reason) switch
    {
        ReasonProblem.Missing => throw MarketRuleException.Invalid(field, $"{field} is required."),
        ReasonProblem.TooLong => throw MarketRuleException.Invalid(field, $"{field} is at most {MaxReasonLength} characters."),
        ReasonProblem.ControlCharacters or ReasonProblem.HiddenCharacters => throw MarketRuleException.Invalid(field, ProblemWith(reason, field)!),
        _ => reason!.Trim(),
    };

    /// <summary>The rule for a validator's free-text field (the messages are Dutch: the desk's form shows them beside the field).</summary>
    public static IRuleBuilderOptions<T, string?> Plain<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => !HasControlCharacters(text)).WithMessage("{PropertyName} bevat een besturingsteken; gebruik gewone tekst.")
            .Must(text => !HasHiddenCharacters(text))
            .WithMessage("{PropertyName} bevat een onzichtbaar teken of een teken dat de leesrichting omdraait; gebruik gewone tekst.");
}
