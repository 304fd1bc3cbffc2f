# A report with no title.
# expect: report/the-fight-for-aleppo-october-21-28-2015: needs exactly one dcterms:title
DELETE WHERE { report:the-fight-for-aleppo-october-21-28-2015 dcterms:title ?title }
