"""Script studio: parse short-drama, Fountain and Final Draft scripts, then break them down."""
