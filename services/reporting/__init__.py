"""The evaluation report as a document: one model (``model``) rendered as .docx (``docx``) and PDF
(``pdf``)."""
