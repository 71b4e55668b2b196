namespace Attention;

internal static class HeadDimensionsExercises
{
    public static Exercise[] All => [];
}
