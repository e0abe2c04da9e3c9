//! Administrative documents as .docx in the layout of Decree 30/2020/NĐ-CP: A4, Times New
//! Roman, the two-column heading, the signature block and "Nơi nhận", page numbers from page 2,
//! and appendices as tables on landscape pages.
//!
//! A [`Doc`] is plain values; [`write`] lays it out. What goes into a plan or a report is
//! composed in [`plan`] and [`report`].

pub mod plan;
pub mod report;

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, BorderType, Docx, Header, HeightRule, LineSpacing, LineSpacingType, PageMargin, PageNum,
    PageOrientationType, Paragraph, ParagraphBorder, ParagraphBorderPosition, Run, RunFonts, Section,
    SpecialIndentType, Table, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use crate::Error;

/// The layout, with Decree 30/2020 as its default. Lengths in millimetres, sizes in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub font: String,
    pub page_width_mm: f64,
    pub page_height_mm: f64,
    pub margin_top_mm: f64,
    pub margin_bottom_mm: f64,
    pub margin_left_mm: f64,
    pub margin_right_mm: f64,
    /// Body text, 13–14 pt.
    pub body_pt: f64,
    /// The issuing body, 12–13 pt.
    pub heading_pt: f64,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12–13 pt: 12 keeps it on one line.
    pub national_title_pt: f64,
    /// "Nơi nhận:", 12 pt; its lines, 11 pt.
    pub recipients_title_pt: f64,
    pub recipients_pt: f64,
    /// Page numbers, 13–14 pt.
    pub page_number_pt: f64,
    /// First-line indent of body paragraphs, 1–1.27 cm.
    pub indent_mm: f64,
    /// Space after a body paragraph, at least 6 pt.
    pub after_pt: f64,
    /// Line spacing of body paragraphs, 1 to 1.5 times the font's single line ("multiple"):
    /// written with `w:lineRule="auto"`, so that it grows with the font and no accent touches
    /// the line above (without the rule LibreOffice takes 1.15 × 240 as an exact 13.8 pt).
    pub line_spacing: f64,
    /// Room between a rule (under the issuing body, the motto, the subject) and the next line.
    pub after_rule_pt: f64,
    /// Room between a table cell's text and its rules, above and below.
    pub cell_padding_pt: f64,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            font: "Times New Roman".into(),
            page_width_mm: 210.0,
            page_height_mm: 297.0,
            margin_top_mm: 20.0,
            margin_bottom_mm: 20.0,
            margin_left_mm: 30.0,
            margin_right_mm: 15.0,
            body_pt: 14.0,
            heading_pt: 13.0,
            national_title_pt: 12.0,
            recipients_title_pt: 12.0,
            recipients_pt: 11.0,
            page_number_pt: 14.0,
            indent_mm: 12.7,
            after_pt: 6.0,
            line_spacing: 1.15,
            after_rule_pt: 6.0,
            cell_padding_pt: 2.0,
        }
    }
}

/// Twentieths of a point, the unit of lengths in WordprocessingML.
fn twips(mm: f64) -> i32 {
    (mm * 1440.0 / 25.4).round() as i32
}

/// Twentieths of a point, from points.
fn points(pt: f64) -> u32 {
    (pt * 20.0).round() as u32
}

/// Single line spacing, nothing before or after: the font's own line, with the rule said.
fn single() -> LineSpacing {
    LineSpacing::new().before(0).after(0).line(240).line_rule(LineSpacingType::Auto)
}

/// What marks a table's header row while docx-rs builds it (it has no `w:tblHeader`): a
/// height no row asks for, replaced by `w:tblHeader` in the package ([`finish`]).
const HEADER_MARK_TWIPS: f32 = 1.0;
const HEADER_MARK: &str = r#"<w:trHeight w:val="1" w:hRule="auto" />"#;
const TABLE_HEADER: &str = "<w:tblHeader />";

/// Half-points, the unit of font sizes.
fn half_points(pt: f64) -> usize {
    (pt * 2.0).round() as usize
}

/// The heading: issuing body and number on the left, national title, motto and place-and-date
/// on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub issuing_body: Vec<String>,
    /// "Số: 05/BC-UBND".
    pub number_line: String,
    /// "Mường La, ngày 05 tháng 3 năm 2026".
    pub date_line: String,
    /// The document's date, once issued: its properties' created and modified date.
    pub issued_on: Option<NaiveDate>,
}

/// A piece of the body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// "I. MỤC ĐÍCH, YÊU CẦU": bold.
    Section(String),
    /// "1. Mục tiêu chung": bold.
    Part(String),
    /// A justified paragraph with a first-line indent.
    Text(String),
    /// An italic paragraph ("(chi tiết tại Phụ lục I kèm theo)").
    Note(String),
}

/// The signature block, right.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH".
    pub authority: Vec<String>,
    pub title: String,
    pub name: String,
}

/// A column of an appendix table: its heading and width.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    pub width_mm: f64,
}

/// A row of an appendix table; a section row is bold and spans after its first cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<String>,
    pub section: bool,
}

/// An appendix: "Phụ lục I", its title, the line that ties it to its document, a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Appendix {
    pub label: String,
    pub title: String,
    /// "(Kèm theo Báo cáo số 05/BC-UBND ngày 05/3/2026 của UBND xã Mường La)".
    pub note: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A document: its heading, type and subject, whom it goes to, its body, signature,
/// recipients, and appendices.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub heading: Heading,
    /// Printed "DỰ THẢO" above the heading while the document is not approved.
    pub draft: bool,
    /// "BÁO CÁO", "KẾ HOẠCH".
    pub doc_type: String,
    /// The subject (trích yếu), one or more lines.
    pub subject: Vec<String>,
    /// "Kính gửi": one recipient per line.
    pub to: Vec<String>,
    pub blocks: Vec<Block>,
    pub signature: Signature,
    /// "Nơi nhận" lines as printed ("- Như trên;" … "- Lưu: VT, VHXH.").
    pub recipients: Vec<String>,
    pub appendices: Vec<Appendix>,
}

struct Writer<'a> {
    layout: &'a Layout,
}

impl Writer<'_> {
    fn fonts(&self) -> RunFonts {
        let f = self.layout.font.as_str();
        RunFonts::new().ascii(f).hi_ansi(f).cs(f).east_asia(f)
    }

    fn run(&self, text: &str, pt: f64) -> Run {
        Run::new().add_text(text).size(half_points(pt)).fonts(self.fonts())
    }

    fn line(&self, text: &str, pt: f64, bold: bool, italic: bool, align: AlignmentType) -> Paragraph {
        let mut run = self.run(text, pt);
        if bold {
            run = run.bold();
        }
        if italic {
            run = run.italic();
        }
        Paragraph::new().add_run(run).align(align).line_spacing(single())
    }

    /// A centred line of body text at the body's line spacing, nothing before or after.
    fn spaced_line(&self, text: &str, bold: bool) -> Paragraph {
        let l = self.layout;
        self.line(text, l.body_pt, bold, false, AlignmentType::Center).line_spacing(
            LineSpacing::new()
                .before(0)
                .after(0)
                .line((l.line_spacing * 240.0).round() as i32)
                .line_rule(LineSpacingType::Auto),
        )
    }

    /// A short solid rule under a centred line, `share` of the available `width_mm` long: a
    /// bottom border on an empty paragraph narrowed by its indents.
    fn rule(&self, width_mm: f64, share: f64) -> Paragraph {
        let side = twips(width_mm * (1.0 - share) / 2.0);
        let mut p = Paragraph::new()
            .indent(Some(side), None, Some(side), None)
            .line_spacing(
                LineSpacing::new()
                    .before(0)
                    .after(points(self.layout.after_rule_pt))
                    .line(60)
                    .line_rule(LineSpacingType::Exact),
            )
            .size(2);
        p.property = p.property.set_borders(
            docx_rs::ParagraphBorders::with_empty()
                .set(ParagraphBorder::new(ParagraphBorderPosition::Bottom).val(BorderType::Single).size(6)),
        );
        p
    }

    /// A body paragraph: justified, first-line indent, space after.
    fn body(&self, text: &str, bold: bool, italic: bool) -> Paragraph {
        let l = self.layout;
        let mut run = self.run(text, l.body_pt);
        if bold {
            run = run.bold();
        }
        if italic {
            run = run.italic();
        }
        Paragraph::new()
            .add_run(run)
            .align(AlignmentType::Both)
            .indent(None, Some(SpecialIndentType::FirstLine(twips(l.indent_mm))), None, None)
            .line_spacing(
                LineSpacing::new()
                    .before(0)
                    .after(points(l.after_pt))
                    .line((l.line_spacing * 240.0).round() as i32)
                    .line_rule(LineSpacingType::Auto),
            )
    }

    fn cell(&self, paragraphs: Vec<Paragraph>, width_mm: f64) -> TableCell {
        let mut cell = TableCell::new().width(twips(width_mm) as usize, WidthType::Dxa);
        for p in paragraphs {
            cell = cell.add_paragraph(p);
        }
        cell
    }

    /// The two-column heading, without borders.
    fn heading(&self, h: &Heading) -> Table {
        let l = self.layout;
        let text_width = l.page_width_mm - l.margin_left_mm - l.margin_right_mm;
        let (left_w, right_w) = (text_width * 0.38, text_width * 0.62);
        let mut left: Vec<Paragraph> =
            h.issuing_body.iter().map(|b| self.line(b, l.heading_pt, true, false, AlignmentType::Center)).collect();
        left.push(self.rule(left_w, 0.35));
        let mut right = vec![
            self.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", l.national_title_pt, true, false, AlignmentType::Center),
            self.line("Độc lập - Tự do - Hạnh phúc", l.body_pt, true, false, AlignmentType::Center),
        ];
        right.push(self.rule(right_w, 0.6));
        let second_left = vec![self.line(&h.number_line, l.heading_pt, false, false, AlignmentType::Center)];
        let second_right = vec![self.line(&h.date_line, l.body_pt, false, true, AlignmentType::Center)];
        Table::without_borders(vec![
            TableRow::new(vec![self.cell(left, left_w), self.cell(right, right_w)]),
            TableRow::new(vec![self.cell(second_left, left_w), self.cell(second_right, right_w)]),
        ])
        .layout(TableLayoutType::Fixed)
        .set_grid(vec![twips(left_w) as usize, twips(right_w) as usize])
    }

    /// "Nơi nhận" left, the signature right, without borders.
    fn signature(&self, s: &Signature, recipients: &[String]) -> Table {
        let l = self.layout;
        let text_width = l.page_width_mm - l.margin_left_mm - l.margin_right_mm;
        let (left_w, right_w) = (text_width * 0.5, text_width * 0.5);
        let mut left = vec![self.line("Nơi nhận:", l.recipients_title_pt, true, true, AlignmentType::Left)];
        left.extend(recipients.iter().map(|r| self.line(r, l.recipients_pt, false, false, AlignmentType::Left)));
        let mut right: Vec<Paragraph> =
            s.authority.iter().map(|a| self.line(a, l.body_pt, true, false, AlignmentType::Center)).collect();
        right.push(self.line(&s.title, l.body_pt, true, false, AlignmentType::Center));
        // Room for the signature and the seal.
        for _ in 0..4 {
            right.push(self.line("", l.body_pt, false, false, AlignmentType::Center));
        }
        right.push(self.line(&s.name, l.body_pt, true, false, AlignmentType::Center));
        Table::without_borders(vec![TableRow::new(vec![self.cell(left, left_w), self.cell(right, right_w)])])
            .layout(TableLayoutType::Fixed)
            .set_grid(vec![twips(left_w) as usize, twips(right_w) as usize])
    }

    /// A paragraph in a cell of an appendix table: the body's line spacing, so that no accent
    /// touches the line above, and 2 pt from the cell's rules.
    fn cell_line(&self, text: &str, bold: bool, align: AlignmentType) -> Paragraph {
        let l = self.layout;
        self.line(text, l.heading_pt, bold, false, align).line_spacing(
            LineSpacing::new()
                .before(points(l.cell_padding_pt))
                .after(points(l.cell_padding_pt))
                .line((l.line_spacing * 240.0).round() as i32)
                .line_rule(LineSpacingType::Auto),
        )
    }

    fn appendix_table(&self, a: &Appendix) -> Table {
        let widths: Vec<usize> = a.columns.iter().map(|c| twips(c.width_mm) as usize).collect();
        let header = TableRow::new(
            a.columns
                .iter()
                .map(|c| {
                    self.cell(vec![self.cell_line(&c.label, true, AlignmentType::Center)], c.width_mm)
                        .vertical_align(VAlignType::Center)
                })
                .collect(),
        )
        // Repeated at the top of every page the table runs onto, and never split.
        .row_height(HEADER_MARK_TWIPS)
        .height_rule(HeightRule::Auto)
        .cant_split();
        let mut rows = vec![header];
        for r in &a.rows {
            let cells = if r.section {
                let first = r.cells.first().map_or("", String::as_str);
                let rest = r.cells.get(1).map_or("", String::as_str);
                let span: f64 = a.columns.iter().skip(1).map(|c| c.width_mm).sum();
                // A section's row stays on the page of its first row.
                vec![
                    self.cell(
                        vec![self.cell_line(first, true, AlignmentType::Center).keep_next(true)],
                        a.columns[0].width_mm,
                    ),
                    self.cell(vec![self.cell_line(rest, true, AlignmentType::Left).keep_next(true)], span)
                        .grid_span(a.columns.len().saturating_sub(1).max(1)),
                ]
            } else {
                r.cells
                    .iter()
                    .zip(&a.columns)
                    .enumerate()
                    .map(|(i, (text, c))| {
                        let align = if i == 0 { AlignmentType::Center } else { AlignmentType::Left };
                        self.cell(vec![self.cell_line(text, false, align)], c.width_mm)
                    })
                    .collect()
            };
            // A row is kept whole on one page.
            rows.push(TableRow::new(cells).cant_split());
        }
        Table::new(rows).layout(TableLayoutType::Fixed).set_grid(widths)
    }

    fn page_number_header(&self) -> Header {
        Header::new().add_paragraph(
            Paragraph::new()
                .add_page_num(PageNum::new())
                .align(AlignmentType::Center)
                .size(half_points(self.layout.page_number_pt))
                .fonts(self.fonts()),
        )
    }

    fn margins(&self) -> PageMargin {
        let l = self.layout;
        PageMargin::new()
            .top(twips(l.margin_top_mm))
            .bottom(twips(l.margin_bottom_mm))
            .left(twips(l.margin_left_mm))
            .right(twips(l.margin_right_mm))
            .header(twips(l.margin_top_mm / 2.0))
            .footer(twips(l.margin_bottom_mm / 2.0))
            .gutter(0)
    }
}

/// Lays a document out as .docx bytes.
pub fn write(doc: &Doc, layout: &Layout) -> Result<Vec<u8>, Error> {
    let w = Writer { layout };
    let l = layout;
    let (width, height) = (twips(l.page_width_mm) as u32, twips(l.page_height_mm) as u32);
    let mut main = Section::new()
        .page_size(docx_rs::PageSize::new().width(width).height(height))
        .page_margin(w.margins())
        // A title page with no first-page header of its own: page 1 has no number.
        .title_pg()
        .header(w.page_number_header());
    if doc.draft {
        main = main.add_paragraph(w.line("DỰ THẢO", l.body_pt, true, false, AlignmentType::Right));
    }
    main = main.add_table(w.heading(&doc.heading)).add_paragraph(w.line(
        "",
        l.body_pt,
        false,
        false,
        AlignmentType::Center,
    ));
    // The type and the subject (which often runs over two lines) at the body's line spacing.
    main = main.add_paragraph(w.spaced_line(&doc.doc_type, true));
    for s in &doc.subject {
        main = main.add_paragraph(w.spaced_line(s, true));
    }
    let text_width = l.page_width_mm - l.margin_left_mm - l.margin_right_mm;
    main = main.add_paragraph(w.rule(text_width, 0.2)).add_paragraph(w.line(
        "",
        l.body_pt,
        false,
        false,
        AlignmentType::Center,
    ));
    match doc.to.as_slice() {
        [] => {}
        [one] => {
            main =
                main.add_paragraph(w.line(&format!("Kính gửi: {one}."), l.body_pt, false, false, AlignmentType::Center))
        }
        many => {
            main = main.add_paragraph(w.line("Kính gửi:", l.body_pt, false, false, AlignmentType::Center));
            let last = many.len() - 1;
            for (i, t) in many.iter().enumerate() {
                let end = if i == last { "." } else { ";" };
                main =
                    main.add_paragraph(w.line(&format!("- {t}{end}"), l.body_pt, false, false, AlignmentType::Center));
            }
        }
    }
    if !doc.to.is_empty() {
        main = main.add_paragraph(w.line("", l.body_pt, false, false, AlignmentType::Center));
    }
    for b in &doc.blocks {
        main = main.add_paragraph(match b {
            Block::Section(t) | Block::Part(t) => w.body(t, true, false),
            Block::Text(t) => w.body(t, false, false),
            Block::Note(t) => w.body(t, false, true),
        });
    }
    main = main.add_table(w.signature(&doc.signature, &doc.recipients));
    let mut docx = Docx::new()
        .default_fonts(w.fonts())
        .default_size(half_points(l.body_pt))
        .add_section(main)
        // The appendices: landscape pages, numbers still at the top.
        .page_size(height, width)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(w.margins())
        .header(w.page_number_header());
    for (i, a) in doc.appendices.iter().enumerate() {
        let mut label = w.line(&a.label, l.body_pt, true, false, AlignmentType::Center);
        if i > 0 {
            label = label.page_break_before(true);
        }
        docx = docx.add_paragraph(label).add_paragraph(w.line(&a.title, l.body_pt, true, false, AlignmentType::Center));
        if let Some(note) = &a.note {
            docx = docx.add_paragraph(w.line(note, l.body_pt, false, true, AlignmentType::Center));
        }
        docx = docx
            .add_paragraph(w.line("", l.body_pt, false, false, AlignmentType::Center))
            .add_table(w.appendix_table(a));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut out).map_err(|e| Error::Docx(e.to_string()))?;
    finish(&out.into_inner(), &Properties::of(doc))
}

/// The document's properties (File > Properties): who issued it, its title and its date.
#[derive(Debug, Clone, PartialEq)]
pub struct Properties {
    /// The issuing body on one line: "ỦY BAN NHÂN DÂN XÃ MƯỜNG LA".
    pub creator: String,
    /// "Báo cáo: Kết quả thực hiện Kế hoạch … — Quý I năm 2026".
    pub title: String,
    /// The document's date; a draft without one has no created or modified date at all (rather
    /// than 1970).
    pub date: Option<NaiveDate>,
}

impl Properties {
    pub fn of(doc: &Doc) -> Properties {
        let kind = doc.doc_type.trim().to_lowercase();
        let mut chars = kind.chars();
        let kind: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
        let subject = doc.subject.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" — ");
        Properties {
            creator: doc.heading.issuing_body.iter().map(|s| s.trim()).collect::<Vec<_>>().join(" "),
            title: if subject.is_empty() { kind } else { format!("{kind}: {subject}") },
            date: doc.heading.issued_on,
        }
    }

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    }

    /// docProps/core.xml.
    fn core_xml(&self) -> String {
        let creator = Self::escape(&self.creator);
        let dates = self.date.map_or_else(String::new, |d| {
            let at = d.format("%Y-%m-%dT00:00:00Z");
            format!(
                r#"<dcterms:created xsi:type="dcterms:W3CDTF">{at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{at}</dcterms:modified>"#
            )
        });
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
                r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
                r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
                "<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>",
                "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy><dc:language>vi-VN</dc:language>",
                "{dates}<cp:revision>1</cp:revision></cp:coreProperties>"
            ),
            title = Self::escape(&self.title),
            creator = creator,
            dates = dates,
        )
    }

    /// docProps/app.xml: the application and the issuing body as the company.
    fn app_xml(&self) -> String {
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" "#,
                r#"xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
                "<Application>kehoach</Application><Company>{}</Company></Properties>"
            ),
            Self::escape(&self.creator)
        )
    }
}

/// The package again, finished: the properties written, the header rows of tables marked as
/// such (`w:tblHeader`, which docx-rs cannot write), and every part deflated: docx-rs stores
/// them uncompressed, and a phone on a slow line downloads a tenth of it.
fn finish(stored: &[u8], properties: &Properties) -> Result<Vec<u8>, Error> {
    use std::io::{Read, Write};
    let err = |e: &dyn std::fmt::Display| Error::Docx(e.to_string());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(stored)).map_err(|e| err(&e))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut next_paragraph = 1;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| err(&e))?;
        if part.is_dir() {
            continue;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(part.size()).unwrap_or(0));
        part.read_to_end(&mut bytes).map_err(|e| err(&e))?;
        let name = part.name();
        let bytes = match name {
            "docProps/core.xml" => properties.core_xml().into_bytes(),
            "docProps/app.xml" => properties.app_xml().into_bytes(),
            _ if name.starts_with("word/") && name.ends_with(".xml") => {
                let xml = String::from_utf8(bytes).map_err(|e| err(&e))?;
                let xml = if name == "word/document.xml" { xml.replace(HEADER_MARK, TABLE_HEADER) } else { xml };
                renumber_paragraphs(&xml, &mut next_paragraph).into_bytes()
            }
            _ => bytes,
        };
        out.start_file(part.name().to_owned(), options).map_err(|e| err(&e))?;
        out.write_all(&bytes).map_err(|e| err(&e))?;
    }
    Ok(out.finish().map_err(|e| err(&e))?.into_inner())
}

/// The paragraphs' ids (`w14:paraId`) numbered from 1 in the package's order. docx-rs counts
/// them per thread across every document it writes, so the same document written twice by
/// one server would differ in its bytes.
fn renumber_paragraphs(xml: &str, next: &mut u32) -> String {
    const ID: &str = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(ID) {
        let (before, after) = rest.split_at(at + ID.len());
        out.push_str(before);
        let end = after.find('"').unwrap_or(0);
        out.push_str(&format!("{:08X}", *next));
        *next += 1;
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
