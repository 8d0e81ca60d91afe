"""What every output shows: parts and chapters, numbers, equations, values, figures, citations, order."""
