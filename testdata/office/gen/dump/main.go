package main

import (
	"context"
	"fmt"
	"os"

	"zipin/extract"
)

func main() {
	for _, f := range os.Args[1:] {
		b, _ := os.ReadFile(f)
		d, err := extract.Read(context.Background(), f, b)
		if err != nil {
			fmt.Println(f, "ERR", err)
			continue
		}
		fmt.Println(f, d.Format, "title=", d.Title, "pages=", len(d.Pages), "warn=", d.Warnings, "links=", d.Links)
		for _, p := range d.Pages {
			fmt.Println("--- page", p.Number, p.Method)
			for _, bl := range p.Blocks {
				if bl.Table != nil {
					fmt.Printf("[table %dx%d]\n", bl.Table.Rows, bl.Table.Cols)
				}
				fmt.Printf("%d/%d: %s\n", bl.Kind, bl.Level, bl.Text())
			}
		}
	}
}
