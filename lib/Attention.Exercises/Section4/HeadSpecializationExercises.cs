namespace Attention;

internal static class HeadSpecializationExercises
{
    public static Exercise[] All => [];
}
