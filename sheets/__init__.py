"""The Google edge and the report domain: workbook layout, numbers, capaian, aggregation."""
