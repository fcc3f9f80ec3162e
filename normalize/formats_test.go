package normalize_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zipin/extract"
	"zipin/normalize"
)

// wrapLines are the paragraphs of testdata/src/report-wrap.html, one per
// line, as a person reads them: each producer's rendering (Chromium and
// LibreOffice PDFs, LibreOffice DOCX) and the HTML itself must give exactly
// these lines, whatever the layout wrapped. Written out by hand from the
// source; the comments say which class of wrap each line exercises in the
// Chromium rendering.
var wrapLines = []string{
	// a centred 18 pt title wrapped over two lines
	"青溪县农业农村局关于2023年度高标准农田建设补助资金绩效自评情况的报告",
	// the spaces the author typed between CJK and Latin are kept; a
	// wide line with no final punctuation is not joined to the heading
	"发布时间: 2024-03-18 09:30 信息来源: 青溪县农业农村局 阅读次数: 1024",
	"一、项目基本情况",
	// an indented paragraph of four lines, numbers wrapped after 新
	"根据《青溪县财政局关于开展2023年度项目支出绩效自评工作的通知》要求，我局对高标准农田建设补助资金开展了自评。2023年度该项目全年预算数为1,286.40万元，全年执行数为1,254.12万元，预算执行率97.49%。项目共涉及8个乡镇32个行政村，新建高标准农田1.6万亩，受益农户4,215户。",
	// short list items stay apart
	"1.分配城关镇高标准农田建设资金320.00万元。",
	"2.分配河口镇高标准农田建设资金286.50万元。",
	"二、绩效目标完成情况",
	// two lines end with 。 at the right edge while the paragraph goes on
	"项目资金严格实行专款专用并按进度拨付。资金拨付程序合规并且手续完备资料齐全。工程监理全程参与施工过程质量总体可控。验收资料齐全并按规定及时归档规范管理。建后管护责任已经落实到村到户到具体人。受益群众对项目总体满意。",
	// one full line, then another unindented paragraph after paragraph spacing
	"绩效目标设置明确合理可行并且便于量化。绩效指标细化量化便于考核并按季度监控。",
	// pipe-flattened rows; the last wraps inside its last cell
	"指标名称 | 年度指标值 | 实际完成值 | 分值 | 得分",
	"新建高标准农田面积 | ≥1.5万亩 | 1.6万亩 | 20 | 20",
	"项目区灌溉保证率 | ≥85% | 87% | 10 | 10 | 灌排工程全部按设计标准建成并投入使用，受益区域覆盖全部八个乡镇",
	"联系人: 王明 联系电话: 0871-6123456",
	"三、自评结论",
	// 自评得分 ends a line and its 96分 opens the next
	"对照项目支出绩效评价指标体系，经评价小组逐项打分并且综合评定，本项目自评得分96分，评价等级为优。",
	// a right-aligned signature block: two lines
	"青溪县农业农村局",
	"2024年3月15日",
}

func TestRenderingsReadAsTheSource(t *testing.T) {
	for _, path := range []string{
		"../testdata/src/report-wrap.html",
		"../testdata/pdf/wrap-chromium.pdf",
		"../testdata/pdf/wrap-libreoffice.pdf",
		// printed with the browser's date, title, address and 1/1 in the margins
		"../testdata/pdf/wrap-chromium-print.pdf",
		"../testdata/office/wrap-lo.docx",
	} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (regenerate with testdata/pdf/gen.sh and testdata/office/gen.sh)", err)
			}
			d, err := extract.Read(context.Background(), path, data)
			if err != nil {
				t.Fatal(err)
			}
			nd, err := normalize.Document(d)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range nd.Pages {
				for _, l := range strings.Split(p.Text, "\n") {
					if l = strings.TrimSpace(l); l != "" {
						got = append(got, l)
					}
				}
			}
			if strings.Join(got, "\n") != strings.Join(wrapLines, "\n") {
				t.Errorf("lines differ\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wrapLines, "\n"))
			}
		})
	}
}
